/** Dutch UI text: settings, staff, products and scale labels, the shop, notices. */
import type { Dict } from '../en';

export const setup: Dict = {
  addProduct: {
    open: 'Product toevoegen',
    title: 'Product toevoegen',
    barcode: 'Streepjescode',
    name: 'Naam',
    price: 'Prijs',
    pricePerKg: 'Prijs per kg',
    vatRate: 'Btw-tarief',
    category: 'Categorie',
    save: 'Toevoegen aan catalogus en mandje',
    nameNeeded: 'Vul een naam in.',
    priceBad: 'Vul een prijs in, bijvoorbeeld 2,49.',
    scaleWeight: 'Een weegschaaletiket: artikel {{item}} wordt toegevoegd, met een prijs per kg; het etiket geeft het gewicht.',
    scalePrice: 'Een weegschaaletiket: artikel {{item}} wordt toegevoegd; het etiket geeft de prijs.',
  },
  scale: {
    legend: 'Weegschaaletiketten (streepjescodes die beginnen met 20 tot 29)',
    hint: 'Zoals uw weegschaal ze print: een prefix, de artikelcode, de prijs of het gewicht, een controlecijfer, bijvoorbeeld 28 00456 00512 3 voor 512 g van artikel 2800456. Vraag het uw leverancier bij twijfel.',
    price: 'Prefixen met een prijs',
    weight: 'Prefixen met een gewicht',
    itemDigits: 'Cijfers van de artikelcode',
    valueDigits: 'Cijfers van de prijs of het gewicht',
    priceDecimals: 'Decimalen van de prijs (2: centen)',
    weightDecimals: 'Decimalen van het gewicht in kg (3: grammen)',
    problems: {
      prefix: "Een weegschaalprefix is een getal van 20 tot 29, gescheiden door komma's.",
      both: 'Een weegschaalprefix geeft een prijs of een gewicht, niet allebei, en staat er één keer.',
      none: 'Geef minstens één weegschaalprefix voor een prijs of een gewicht.',
      digits: 'De artikelcode en de waarde vullen samen de tien cijfers tussen de prefix en het controlecijfer.',
      decimals: 'Een prijs heeft 0 tot 2 decimalen en een gewicht 0 tot 3.',
    },
  },
  products: {
    title: 'Producten',
    keysAreFavourites: 'De sneltoetsen zijn de favorieten die onder Producten uit de catalogus zijn gekozen.',
    hint: 'Zoek een product om de prijs te wijzigen, het uit de verkoop te halen of het op de sneltoetsen van het verkoopscherm te zetten. Mandjes die al zijn aangeslagen houden hun prijzen.',
    find: 'Zoek een product',
    newPrice: 'Nieuwe prijs van {{name}}',
    savePrice: 'Prijs opslaan',
    takeOff: 'Uit de verkoop',
    quickKey: 'Sneltoets',
    favourites: 'Sneltoetsen uit de catalogus',
    noFavourites: 'Nog niets gekozen: het verkoopscherm toont de sneltoetsen hierboven.',
    remove: '{{name}} van de sneltoetsen halen',
    priceSaved: 'Nieuwe prijs van {{name}} opgeslagen.',
    offSale: '{{name}} is uit de verkoop gehaald.',
    picked: '{{name}} staat op de sneltoetsen.',
    unpicked: '{{name}} staat niet meer op de sneltoetsen.',
  },
  shop: {
    title: 'Winkel',
    none: 'Er is geen winkeldatabase ingesteld. Stel er een in bij Instellingen (Winkeldatabase) om hier elke kassa van de winkel te zien.',
    check: 'Alle kassa’s controleren bij MultiSafepay',
    asOf: 'Uit de winkeldatabase om {{time}}',
    tills: 'Kassa’s',
    till: 'Kassa',
    drawer: 'Kassalade',
    thisTill: 'deze kassa',
    sameName: 'een andere kassa heeft deze naam (id {{id}})',
    clockOff: 'de klok van deze kassa loopt {{minutes}} min verkeerd',
    lastSeen: 'laatst gezien {{time}}',
    notOpened: 'dag niet geopend',
    noTills: 'Nog geen kassa heeft iets naar de winkeldatabase gestuurd.',
    allTills: 'Alle kassa’s',
    overdrawn: 'Tegoedbonnen boven hun bedrag besteed',
    overdrawnNote: '{{code}}: {{spent}} besteed van {{amount}} (een kassa besteedde hem zonder verbinding met de winkeldatabase)',
    offline:
      'Winkeldatabase offline sinds {{since}} - {{count}} wijziging(en) in de wachtrij. Deze kassa blijft verkopen en haalt zelf de achterstand in.',
  },
  notices: {
    dismiss: 'Sluiten',
    show: 'Betaling tonen',
    showSale: 'Verkoop tonen',
    late_paid:
      'Betaling {{orderId}} van {{amount}} op terminal {{terminalId}} is toch gelukt - de klant heeft verkoop {{saleId}} betaald. Is de verkoop ook op een andere manier betaald, betaal er dan één terug.',
    late_waiting:
      'MultiSafepay toont betaling {{orderId}} ({{amount}}) toch nog als wachtend op terminal {{terminalId}} - neem geen andere betaling voor die verkoop aan tot deze klaar is.',
    order_id_used:
      'Order {{orderId}} bestaat al bij MultiSafepay voor iets anders: hij is niet gebruikt en er is niets afgeschreven voor deze verkoop. Controleer de gegevensmap van de kassa (teruggezet uit een back-up of gekopieerd naar een andere kassa?).',
    reversed:
      'Betaling {{orderId}} van {{amount}} voor verkoop {{saleId}} is door MultiSafepay teruggedraaid ("{{status}}") nadat hij betaald was - de klant heeft niet betaald. Neem de betaling opnieuw af.',
    cash_unchecked:
      'MultiSafepay kon niet bevestigen of de kaartbetaling van verkoop {{saleId}} toch gelukt is - het contante geld is aangenomen en de kassa blijft het controleren. Blijkt de kaart toch betaald, betaal er dan één terug.',
    paid_tip: 'Betaling {{orderId}} schreef {{paid}} af voor {{amount}}: de klant gaf {{tip}} fooi op de terminal.',
    paid_less: 'Betaling {{orderId}} schreef maar {{paid}} van {{amount}} af - er staat nog {{due}} open op verkoop {{saleId}}.',
    refund_unknown:
      'De kassa kan niet zien of de terugbetaling van {{amount}} ({{orderId}}) gelukt is - controleer het in het MultiSafepay-dashboard; een manager kan het daarna afhandelen in Geschiedenis.',
    refund_went_through: 'De terugbetaling van {{amount}} ({{orderId}}) is gelukt bij MultiSafepay.',
    refund_not_made: 'De terugbetaling van {{amount}} ({{orderId}}) is niet gelukt - er is niets terugbetaald.',
    orphan_payments: '{{count}} betaling(en) zijn betaald bij MultiSafepay maar niet als betaald geboekt: {{orderIds}}',
    printer_failed: 'De bonprinter heeft niet geprint - de verkoop is bewaard. Print de bon opnieuw vanuit Geschiedenis.',
    till_name_taken:
      'Een andere kassa van de winkel heet al "{{name}}". Beide blijven verkopen en zijn in Winkel uit elkaar te houden; geef deze kassa een eigen naam bij Instellingen.',
  },
};
