export { DEFAULT_LOCALE, formatDate, formatMoney } from './format.ts';
