import { useState } from 'react';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { MoneyInput } from '../../../components/money-input';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { parseMoney } from '../../../lib/money-input';
import { DISPUTE_ANSWERS, type DisputeAnswer, type DisputeDecision } from '../api/handover';

/**
 * The decision on an open dispute — rejected, a price adjustment with its refund, or unwinding the sale — with a
 * note: the house's answer and the association's ruling (调解) take the same shape and move the same money.
 */
export function DecisionForm({ by, send, onDone }: { by: 'house' | 'association'; send: (d: DisputeDecision) => Promise<unknown>; onDone: () => void }) {
  const { t } = useI18n();
  const [answer, setAnswer] = useState<DisputeAnswer>('rejected');
  const [note, setNote] = useState('');
  const [refund, setRefund] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const save = useMutation(async (refundFen?: number) => {
    await send({ answer, note, ...(refundFen !== undefined ? { refund_fen: refundFen } : {}) });
    onDone();
  });
  return (
    <form
      className="inline-form"
      data-testid={by === 'house' ? 'answer-form' : 'ruling-form'}
      onSubmit={(e) => {
        e.preventDefault();
        if (answer !== 'price_adjustment') return void save.run();
        const fen = parseMoney(refund, 'yuan');
        setProblem(fen === undefined ? t('settlement.desk.badAmount') : undefined);
        if (fen !== undefined) void save.run(fen);
      }}
    >
      <SelectField
        label={t(by === 'house' ? 'settlement.disputes.answer' : 'settlement.ruling.label')}
        value={answer}
        onChange={(e) => setAnswer(e.target.value as DisputeAnswer)}
        options={DISPUTE_ANSWERS.map((a) => ({ value: a, label: t(`settlement.disputes.answer.${a}`) }))}
      />
      {answer === 'price_adjustment' && (
        <MoneyInput label={t('settlement.disputes.refund')} unit="yuan" value={refund} onValueChange={setRefund} error={problem} />
      )}
      <TextField label={t('settlement.disputes.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      <SubmitButton pending={save.pending}>{t(by === 'house' ? 'settlement.disputes.send' : 'settlement.ruling.send')}</SubmitButton>
      <FormError error={save.error} />
    </form>
  );
}
