import { hasMessage, useI18n } from '../../../lib/i18n';

/** Facet values are stored as codes (bev, suv) or Chinese names (宝马, 浙江); codes get translated. */
export function useLabels(): (field: string, value: string) => string {
  const { tDynamic } = useI18n();
  return (field, value) => {
    const prefix = field === 'energy_type' ? 'listings.energy.' : field === 'body_type' ? 'listings.body.' : '';
    if (prefix && hasMessage(prefix + value)) return tDynamic(prefix + value, value);
    if (field === 'price_band') return value.replace('+', ' +');
    return value;
  };
}
