import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveTillApi } from './api/till';
import { App } from './App';
import './i18n';
import './styles.css';

function Root() {
  const [linkUp, setLinkUp] = useState(true);
  const api = useMemo(() => resolveTillApi(setLinkUp), []);
  return <App api={api} linkUp={linkUp} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
