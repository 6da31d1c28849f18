import { Alert, Button, Descriptions, Form, Input, Modal, Select, Skeleton, Tag } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api, problemStatus } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';
import { problemFields, showProblem } from '../common/problem-fields.js';
import { useStaff } from '../common/use-staff.js';
import { useSubtreeRegions } from '../common/use-subtree-regions.js';
import { INSTITUTION_FIELDS, institutionFieldMessage } from './institution-fields.js';
import { STATUS_COLOUR, STATUS_LABEL } from './institutions-page.js';
import { JwksFileInput } from './jwks-file-input.js';

type Institution = components['schemas']['Institution'];
type Change = components['schemas']['InstitutionStatusChange']['status'];

const ACTIONS: Record<Institution['status'], { to: Change; label: MessageKey }[]> = {
  pending: [
    { to: 'active', label: 'institutions.action.activate' },
    { to: 'revoked', label: 'institutions.action.revoke' },
  ],
  active: [
    { to: 'suspended', label: 'institutions.action.suspend' },
    { to: 'revoked', label: 'institutions.action.revoke' },
  ],
  suspended: [
    { to: 'active', label: 'institutions.action.reactivate' },
    { to: 'revoked', label: 'institutions.action.revoke' },
  ],
  revoked: [],
};

/** `/console/institutions/:id`: one institution; reviewers change its status, admins its regions, webhook and keys. */
export default function InstitutionPage({ params }: { params: { id: string } }) {
  const { t } = useI18n();
  const staff = useStaff();
  const path = { params: { path: { client_id: params.id } } };
  const query = $api.useQuery('get', '/api/v1/admin/institutions/{client_id}', path, { retry: false });
  const i = query.data;
  const regionName = useRegionNames(i?.regions ?? []);
  const [dialog, setDialog] = useState<'status' | 'edit' | 'keys'>();
  const [change, setChange] = useState<Change>();
  const done = (updated: Institution) => {
    setDialog(undefined);
    void query.refetch();
    return updated;
  };

  return (
    <Page title="institutions.detail" area="console.name">
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type={problemStatus(query.error) === 404 ? 'warning' : 'error'} showIcon title={t(problemStatus(query.error) === 404 ? 'institutions.notFound' : 'console.loadFailed')} />
      ) : (
        <>
          <h2 className="zcd-subtitle">{i!.name}</h2>
          <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" bordered>
            <Descriptions.Item label={t('institutions.status')}>
              <Tag color={STATUS_COLOUR[i!.status]}>{t(STATUS_LABEL[i!.status])}</Tag> {i!.status_reason ?? ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('institutions.uscc')}>{i!.uscc}</Descriptions.Item>
            <Descriptions.Item label={t('institutions.licenseNo')}>{i!.license_no}</Descriptions.Item>
            <Descriptions.Item label={t('institutions.regions')}>{i!.regions.map(regionName).join('、')}</Descriptions.Item>
            <Descriptions.Item label={t('institutions.webhookUrl')}>{i!.webhook_url ?? t('common.none')}</Descriptions.Item>
            <Descriptions.Item label={t('institutions.keys')}>
              {i!.jwks_uri ?? t('institutions.keyCount', { n: String(i!.jwks?.keys.length ?? 0) })}
            </Descriptions.Item>
            <Descriptions.Item label={t('institutions.dpop')}>{t(i!.dpop_required ? 'console.yes' : 'console.no')}</Descriptions.Item>
            <Descriptions.Item label={t('institutions.clientId')}>
              <code>{i!.client_id}</code>
            </Descriptions.Item>
          </Descriptions>
          <div className="zcd-form-actions">
            {staff.reviewer &&
              ACTIONS[i!.status].map((a) => (
                <Button
                  key={a.to}
                  autoInsertSpace={false}
                  danger={a.to === 'revoked'}
                  onClick={() => {
                    setChange(a.to);
                    setDialog('status');
                  }}
                >
                  {t(a.label)}
                </Button>
              ))}
            {staff.admin && i!.status !== 'revoked' && (
              <>
                <Button onClick={() => setDialog('edit')}>{t('institutions.action.edit')}</Button>
                <Button onClick={() => setDialog('keys')}>{t('institutions.action.rotateKeys')}</Button>
              </>
            )}
          </div>
          {dialog === 'status' && change && <StatusDialog institution={i!} to={change} onClose={() => setDialog(undefined)} onDone={done} />}
          {dialog === 'edit' && <EditDialog institution={i!} region={staff.region} onClose={() => setDialog(undefined)} onDone={done} />}
          {dialog === 'keys' && <KeysDialog institution={i!} onClose={() => setDialog(undefined)} onDone={done} />}
        </>
      )}
    </Page>
  );
}

interface DialogProps {
  institution: Institution;
  onClose: () => void;
  onDone: (i: Institution) => void;
}

function StatusDialog({ institution, to, onClose, onDone }: DialogProps & { to: Change }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [general, setGeneral] = useState<string>();
  const mutation = $api.useMutation('post', '/api/v1/admin/institutions/{client_id}/status');
  const label = ACTIONS[institution.status].find((a) => a.to === to)!.label;
  return (
    <Modal open title={t(label)} okText={t(label)} cancelText={t('console.cancel')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={mutation.isPending} okButtonProps={{ danger: to === 'revoked', autoInsertSpace: false }}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          void mutation
            .mutateAsync({ params: { path: { client_id: institution.client_id } }, body: { status: to, reason: v.reason } })
            .then(onDone, (p: unknown) => showProblem(form, problemFields(p, ['reason'], t, () => undefined), setGeneral))
        }
      >
        {general && <Alert role="alert" type="error" showIcon title={general} />}
        <Form.Item name="reason" label={t('institutions.reason')} rules={[{ required: true, whitespace: true, max: 500, message: t('institutions.error.reason') }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EditDialog({ institution, region, onClose, onDone }: DialogProps & { region: string | undefined }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ regions: string[]; webhook_url: string }>();
  const [general, setGeneral] = useState<string>();
  const { regions } = useSubtreeRegions(region);
  const mutation = $api.useMutation('patch', '/api/v1/admin/institutions/{client_id}');
  return (
    <Modal open title={t('institutions.action.edit')} okText={t('console.save')} cancelText={t('console.cancel')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={mutation.isPending}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ regions: institution.regions, webhook_url: institution.webhook_url ?? '' }}
        onFinish={(v) =>
          void mutation
            .mutateAsync({ params: { path: { client_id: institution.client_id } }, body: { regions: v.regions, webhook_url: v.webhook_url.trim() === '' ? null : v.webhook_url.trim() } })
            .then(onDone, (p: unknown) => showProblem(form, problemFields(p, INSTITUTION_FIELDS, t, institutionFieldMessage), setGeneral))
        }
      >
        {general && <Alert role="alert" type="error" showIcon title={general} />}
        <Form.Item name="regions" label={t('institutions.regions')} rules={[{ required: true, type: 'array', min: 1, message: t('institutions.error.regions') }]}>
          <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={regions.map((r) => ({ value: r.code, label: r.path }))} />
        </Form.Item>
        <Form.Item name="webhook_url" label={t('institutions.webhookUrl')} extra={t('institutions.webhookClear')} rules={[{ type: 'url', message: t('institutions.error.webhookUrl') }]}>
          <Input inputMode="url" placeholder="https://" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function KeysDialog({ institution, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ jwks?: { keys: Record<string, unknown>[] } }>();
  const [general, setGeneral] = useState<string>();
  const mutation = $api.useMutation('put', '/api/v1/admin/institutions/{client_id}/keys');
  return (
    <Modal open title={t('institutions.action.rotateKeys')} okText={t('console.save')} cancelText={t('console.cancel')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={mutation.isPending}>
      <p>{t('institutions.rotateHelp')}</p>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => {
          if (!v.jwks) {
            form.setFields([{ name: 'jwks', errors: [t('institutions.error.jwksMissing')] }]);
            return;
          }
          void mutation
            .mutateAsync({ params: { path: { client_id: institution.client_id } }, body: { jwks: v.jwks as components['schemas']['Jwks'] } })
            .then(onDone, (p: unknown) => showProblem(form, problemFields(p, ['jwks'], t, institutionFieldMessage), setGeneral));
        }}
      >
        {general && <Alert role="alert" type="error" showIcon title={general} />}
        <Form.Item name="jwks" label={t('institutions.jwksFile')}>
          <JwksFileInput onInvalid={(key) => form.setFields([{ name: 'jwks', errors: [t(key)] }])} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
