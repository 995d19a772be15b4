import { useMemo } from 'react';
import { useI18n } from '../lib/i18n';
import { formatExact, formatMoney, formatMoneyExact, type Fen } from '../lib/money';

export interface MoneyFormatters {
  /** An amount to read: "12.80万元" / "CNY 128,000". */
  money: (fen: Fen) => string;
  /** An amount where the yuan matters (offers, bids, amounts due): "12.85万元（¥128,456）". */
  moneyExact: (fen: Fen) => string;
  /** Exact yuan only: "¥128,456" / "CNY 128,456". */
  yuan: (fen: Fen) => string;
}

/** The money convention (docs/ui.md) bound to the reader's language. */
export function useMoney(): MoneyFormatters {
  const { locale } = useI18n();
  return useMemo(
    () => ({
      money: (fen) => formatMoney(fen, locale),
      moneyExact: (fen) => formatMoneyExact(fen, locale),
      yuan: (fen) => formatExact(fen, locale),
    }),
    [locale],
  );
}
