// Hydrates the server-rendered page, once the page's language strings are loaded (only that language: ADR 0021).
import { RemixBrowser } from '@remix-run/react';
import { StrictMode, startTransition } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { isLocale, loadLocaleResources } from './lib/i18n';

function hydrate() {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
}

// The root renders <link rel="preload" data-locale-resources="<locale>" href="/locales/<locale>.<hash>.json">.
const link = document.querySelector<HTMLLinkElement>('link[data-locale-resources]');
const locale = link?.dataset.localeResources;
if (link && isLocale(locale)) {
  loadLocaleResources(locale, link.href).then(hydrate, (error: unknown) => {
    // Without its strings the page would hydrate into message keys; the server-rendered page (forms work
    // without JavaScript) stays as it is instead.
    console.warn('language strings could not be loaded; the page stays without scripts', error);
  });
} else {
  hydrate();
}
