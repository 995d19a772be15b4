import { describe, expect, it } from 'vitest';
import { messages, translate } from '../../../lib/i18n';
import { actionLabel } from './Console';

describe('console results in words', () => {
  it('says which control was done, as its button says it, never the raw action', () => {
    const done = (msg: Record<string, unknown>) =>
      translate(messages, 'zh-CN', 'auctions.consoleDone', { action: translate(messages, 'zh-CN', actionLabel(msg)) });
    expect(done({ action: 'hammer' })).toBe('已执行：落槌成交。');
    expect(done({ action: 'warn', level: 2 })).toBe('已执行：第二次。');
    expect(done({ action: 'floor_bid', paddle: '101', amount: 100 })).not.toContain('floor_bid');
    expect(done({ action: 'something_new' })).toBe('已执行：该指令。');
  });
});
