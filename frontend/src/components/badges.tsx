import { useI18n } from '../lib/i18n';

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const { tDynamic } = useI18n();
  return (
    <span className={`badge badge-status badge-${status}`} data-testid={testId}>
      {tDynamic(`status.${status}`, status)}
    </span>
  );
}

export function KindBadge({ kind }: { kind: string }) {
  const { tDynamic } = useI18n();
  return <span className={`badge badge-kind badge-kind-${kind}`}>{tDynamic(`kind.${kind}`, kind)}</span>;
}

export function RoleBadges({ roles }: { roles: readonly string[] }) {
  const { tDynamic } = useI18n();
  return (
    <span className="badge-list">
      {roles.map((r) => (
        <span key={r} className="badge badge-role">
          {tDynamic(`role.${r}`, r)}
        </span>
      ))}
    </span>
  );
}

export function ScopeBadges({ scopes }: { scopes: readonly string[] }) {
  const { tDynamic } = useI18n();
  return (
    <span className="badge-list">
      {scopes.map((s) => (
        <span key={s} className="badge badge-scope" title={s}>
          {tDynamic(`scope.${s}`, s)}
        </span>
      ))}
    </span>
  );
}
