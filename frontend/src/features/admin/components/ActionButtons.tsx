import { useI18n } from '../../../lib/i18n';
import { ACTION_RESULT, VERIFICATION_ACTIONS, type VerificationAction } from '../../../types/api';

/** Which inline form is open on the verification page (only one at a time). */
export interface OpenAction {
  target: 'org' | 'cert' | 'penalty';
  id: number;
  action: VerificationAction;
}

interface ActionButtonsProps {
  status: string;
  target: 'org' | 'cert';
  id: number;
  /** '' for organisations (`verify-btn-<id>`), 'cert-' for certificates (`cert-verify-btn-<id>`). */
  testIdPrefix: string;
  open: OpenAction | null;
  setOpen: (open: OpenAction | null) => void;
}

/** Verify / Suspend / Cancel; the action leading to the current status is disabled. */
export function ActionButtons({ status, target, id, testIdPrefix, open, setOpen }: ActionButtonsProps) {
  const { t } = useI18n();
  return (
    <span className="row-actions">
      {VERIFICATION_ACTIONS.map((action) => {
        const active = open?.target === target && open.id === id && open.action === action;
        return (
          <button
            key={action}
            type="button"
            className={`btn btn-small ${action === 'verify' ? 'btn-primary' : action === 'suspend' ? 'btn-warning' : 'btn-danger-outline'}`}
            data-testid={`${testIdPrefix}${action}-btn-${id}`}
            disabled={ACTION_RESULT[action] === status}
            aria-pressed={active}
            onClick={() => setOpen(active ? null : { target, id, action })}
          >
            {t(`admin.action.${action}`)}
          </button>
        );
      })}
    </span>
  );
}
