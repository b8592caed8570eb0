import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { HEADLESS_KEY_PARAM } from '../../shared/wire';
import { resolveTillApi } from './api/till';
import { App } from './App';
import './i18n';
import './styles.css';

// Headless mode prints this page's address with its per-launch key; the WebSocket needs it (Electron ignores it).
const headlessKey = new URLSearchParams(location.search).get(HEADLESS_KEY_PARAM) ?? undefined;

function Root() {
  const [linkUp, setLinkUp] = useState(true);
  const api = useMemo(() => resolveTillApi(setLinkUp, headlessKey), []);
  return <App api={api} linkUp={linkUp} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
