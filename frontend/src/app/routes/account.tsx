import { CreateOrganisationForm } from '../../features/account/components/CreateOrganisationForm';
import { InvitationsSection } from '../../features/account/components/InvitationsSection';
import { OrganisationList } from '../../features/account/components/OrganisationList';
import { ProfileCard } from '../../features/account/components/ProfileCard';
import { ProfileEditor } from '../../features/account/components/ProfileEditor';
import { TokensSection } from '../../features/account/components/TokensSection';
import { ChangePasswordForm } from '../../features/auth/components/ChangePasswordForm';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';
import { useSession } from '../../lib/session';

export function AccountRoute() {
  const { t } = useI18n();
  const { me } = useSession();
  useDocumentTitle(t('account.title'));
  if (!me) return null; // guarded by RequireAuth

  return (
    <div className="page">
      <h1>{t('account.title')}</h1>
      <div className="account-grid">
        <section className="card" aria-labelledby="profile-h">
          <h2 id="profile-h">{t('account.profile')}</h2>
          <ProfileCard me={me} />
          <ProfileEditor me={me} />
        </section>
        <section className="card" aria-labelledby="password-h">
          <h2 id="password-h">{t('account.password')}</h2>
          <ChangePasswordForm />
        </section>
      </div>

      <section className="section" aria-labelledby="invitations-h" id="invitations">
        <h2 id="invitations-h">{t('invitations.title')}</h2>
        <InvitationsSection />
      </section>

      <section className="section" aria-labelledby="orgs-h">
        <h2 id="orgs-h">{t('account.organisations')}</h2>
        <OrganisationList me={me} />
        <div className="card">
          <h3>{t('orgs.createTitle')}</h3>
          <p className="muted small">{t('orgs.createIntro')}</p>
          <CreateOrganisationForm />
        </div>
      </section>

      <section className="section card" aria-labelledby="tokens-h">
        <h2 id="tokens-h">{t('account.tokens')}</h2>
        <p className="muted small">{t('tokens.intro')}</p>
        <TokensSection />
      </section>
    </div>
  );
}
