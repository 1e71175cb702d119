/** Renderer entry: one bridge (Electron preload or the browser host's WebSocket), one React root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createBridgeStore } from './app/bridge-store.ts';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html lacks #root');
createRoot(rootElement).render(
  <StrictMode>
    <App store={createBridgeStore()} />
  </StrictMode>,
);
