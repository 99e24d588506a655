import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { createFormatter, DEFAULT_DISPLAY, type DisplaySettings, type Formatter } from './format.ts';

const FormatContext = createContext<Formatter>(createFormatter(DEFAULT_DISPLAY));

/** Sets the locale and time zone every component below formats money, numbers and dates with. */
export function FormatProvider({ display, children }: { display: DisplaySettings; children: ReactNode }) {
  const { locale, timeZone } = display;
  const formatter = useMemo(() => createFormatter({ locale, timeZone }), [locale, timeZone]);
  return <FormatContext.Provider value={formatter}>{children}</FormatContext.Provider>;
}

/** The formatters of the nearest FormatProvider (pt-BR, America/Sao_Paulo without one). */
export function useFormat(): Formatter {
  return useContext(FormatContext);
}
