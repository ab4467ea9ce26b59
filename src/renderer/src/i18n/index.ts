/**
 * i18n: English and Simplified Chinese for every UI string (en.ts, zh-CN.ts). The language follows
 * navigator.language until the user picks one (prefs.language). Packet Details labels come from the
 * engine, which translates them itself once the prefs slice sends `gui.locale` (docs/i18n.md).
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhCN } from './zh-CN';

/** Language is a UI language Wirelab ships. */
export type Language = 'en' | 'zh-CN';

/** LANGUAGES lists the languages with their own names, for the switch. */
export const LANGUAGES: ReadonlyArray<{ code: Language; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
];

/** detectLanguage maps a navigator language to one we ship (zh, zh-CN, zh-Hans… → zh-CN). */
export function detectLanguage(navigatorLanguage: string | undefined): Language {
  return navigatorLanguage?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** initI18n creates the i18next instance used by the React tree. */
export function initI18n(language: Language): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}
