// Node tests never load the real 'electron' (it would try to download a binary): adapters get the shared mock.
import { vi } from 'vitest';
vi.mock('electron', () => import('./electron-mock'));
