import { Alert, Descriptions, Skeleton, Tag, Timeline } from 'antd';
import { Link } from 'wouter';
import { $api, problemStatus } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { formatFen } from '../../shared/money.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';
import { When } from '../common/when-time.js';
import { actorLabel, APPLICATION_STATUS_LABEL } from './application-labels.js';
import { applicationsListHref } from './application-filters.js';
import { addMessages } from '../../shared/i18n/translate.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import type { components } from '../../../generated/openapi.js';
import { bureauMessages } from '../bureau-messages.js';

// The texts of the supervision pages load with them, not with the console's first page.
addMessages(bureauMessages);

type Consent = components['schemas']['ApplicationDetail']['consent'];

const CONSENT_PART_LABEL: Record<Consent['parts'][number], MessageKey> = {
  contract: 'supervise.consent.contract',
  acceptances: 'supervise.consent.acceptances',
  payments: 'supervise.consent.payments',
  risk_flags: 'supervise.consent.risk_flags',
};

/** What the SME let the bank read, until when, and whether that still holds (revoked, expired or ended). */
function ConsentState({ consent }: { consent: Consent }) {
  const { t } = useI18n();
  const parts = consent.parts.map((p) => t(CONSENT_PART_LABEL[p])).join('、');
  return (
    <>
      <Tag color={consent.live ? '#237804' : 'default'}>{t(consent.live ? 'supervise.consent.live' : 'supervise.consent.ended')}</Tag>
      {parts}
      <div className="zcd-muted">
        {consent.revoked_at ? (
          <>
            {t('supervise.consent.revokedAt')}
            <When iso={consent.revoked_at} />
          </>
        ) : (
          <>
            {t('supervise.consent.expiresAt')}
            <When iso={consent.expires_at} />
          </>
        )}
      </div>
    </>
  );
}

/** `/console/applications/:id`: one application of the subtree and its timeline; another region's is "not here". */
export default function ApplicationPage({ params }: { params: { id: string } }) {
  const { t } = useI18n();
  const query = $api.useQuery('get', '/api/v1/admin/applications/{applicationId}', { params: { path: { applicationId: params.id } } }, { retry: false });
  const a = query.data;
  const regionName = useRegionNames(a ? [a.purchaser_region_code] : []);

  return (
    <Page title="supervise.detail" area="console.name" extra={<Link href={applicationsListHref()}>{t('supervise.back')}</Link>}>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type={problemStatus(query.error) === 404 ? 'warning' : 'error'} showIcon title={t(problemStatus(query.error) === 404 ? 'supervise.notFound' : 'console.loadFailed')} />
      ) : (
        <>
          <h2 className="zcd-subtitle">{a!.contract_no}</h2>
          <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" bordered>
            <Descriptions.Item label={t('supervise.status')}>
              <Tag>{t(APPLICATION_STATUS_LABEL[a!.status])}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('supervise.institution')}>{a!.institution_name}</Descriptions.Item>
            <Descriptions.Item label={t('supervise.supplier')}>
              {a!.supplier_name}（{a!.supplier_uscc}）
            </Descriptions.Item>
            <Descriptions.Item label={t('supervise.region')}>{regionName(a!.purchaser_region_code)}</Descriptions.Item>
            <Descriptions.Item label={t('supervise.amount')}>{formatFen(a!.requested_amount)}</Descriptions.Item>
            <Descriptions.Item label={t('supervise.approvedAmount')}>{a!.approved_amount === undefined ? t('common.none') : formatFen(a!.approved_amount)}</Descriptions.Item>
            <Descriptions.Item label={t('supervise.disbursed')}>{formatFen(a!.disbursed_amount)}</Descriptions.Item>
            <Descriptions.Item label={t('supervise.outstanding')}>{formatFen(a!.outstanding_amount)}</Descriptions.Item>
            <Descriptions.Item label={t('supervise.submittedAt')}><When iso={a!.created_at} /></Descriptions.Item>
            <Descriptions.Item label={t('supervise.updatedAt')}><When iso={a!.updated_at} /></Descriptions.Item>
            <Descriptions.Item label={t('supervise.consent')} span={2}>
              <ConsentState consent={a!.consent} />
            </Descriptions.Item>
          </Descriptions>
          <h2 className="zcd-subtitle" style={{ marginTop: 24 }}>
            {t('supervise.timeline')}
          </h2>
          <Timeline
            items={a!.history.map((h, i) => {
              const actor = actorLabel(h.actor);
              return {
                key: i,
                content: (
                  <div>
                    <div>
                      <strong>
                        {h.from === null
                          ? `${t('supervise.created')}：${t(APPLICATION_STATUS_LABEL[h.to])}`
                          : t('supervise.transition', { from: t(APPLICATION_STATUS_LABEL[h.from]), to: t(APPLICATION_STATUS_LABEL[h.to]) })}
                      </strong>
                    </div>
                    <div className="zcd-timeline-meta">
                      <When iso={h.at} /> · {t('supervise.by', { actor: t(actor.key, { id: actor.id }) })}
                    </div>
                    {h.reason_code && <div className="zcd-timeline-meta">{t('supervise.reasonCode', { code: h.reason_code })}</div>}
                    {h.reason_text && <div>{h.reason_text}</div>}
                  </div>
                ),
              };
            })}
          />
        </>
      )}
    </Page>
  );
}
