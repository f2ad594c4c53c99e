// The per-request CSP nonce, handed from entry.server to the scripts the page renders.
import { createContext, useContext } from 'react';

export const NonceContext = createContext<string>('');
export const useNonce = () => useContext(NonceContext);
