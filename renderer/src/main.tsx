import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { HEADLESS_KEY_PARAM } from '../../shared/wire';
import { resolveTillApi } from './api/till';
import { App } from './App';
import './i18n';
import './styles.css';

/** Where the page keeps headless mode's key for this tab once it is out of the address. */
const KEY_STORE = 'till.k';

/**
 * Headless mode prints this page's address with its per-launch key; the WebSocket needs it (Electron has none).
 * The key is taken out of the address bar and the back/forward list at once and kept for this tab only, so
 * reconnects and a reload still have it.
 */
function headlessKey(): string | undefined {
  const params = new URLSearchParams(location.search);
  const fromAddress = params.get(HEADLESS_KEY_PARAM);
  if (!fromAddress) {
    try {
      return sessionStorage.getItem(KEY_STORE) ?? undefined;
    } catch {
      return undefined;
    }
  }
  try {
    sessionStorage.setItem(KEY_STORE, fromAddress);
  } catch {
    // storage refused: this load still has the key; a reload needs the printed address again
  }
  params.delete(HEADLESS_KEY_PARAM);
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  return fromAddress;
}
const key = headlessKey();

function Root() {
  const [linkUp, setLinkUp] = useState(true);
  const api = useMemo(() => resolveTillApi(setLinkUp, key), []);
  return <App api={api} linkUp={linkUp} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
