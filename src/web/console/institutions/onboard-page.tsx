import { Alert, Button, Form, Input, Radio, Result, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useLocation } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { Page } from '../../shared/shell/page.js';
import { problemFields, showProblem } from '../common/problem-fields.js';
import { useStaff } from '../common/use-staff.js';
import { useSubtreeRegions } from '../common/use-subtree-regions.js';
import { INSTITUTION_FIELDS, institutionFieldMessage } from './institution-fields.js';
import { JwksFileInput } from './jwks-file-input.js';

type Created = components['schemas']['InstitutionCreated'];

interface Values {
  name: string;
  uscc: string;
  license_no: string;
  type: 'bank' | 'guarantee' | 'other';
  regions: string[];
  keySource: 'file' | 'uri';
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  webhook_url?: string;
  dpop_required: boolean;
}

/** `/console/institutions/new`: onboarding (准入) form — an admin registers an institution of the subtree. */
export default function OnboardPage() {
  const { t } = useI18n();
  const staff = useStaff();
  const [, navigate] = useLocation();
  const [form] = Form.useForm<Values>();
  const [general, setGeneral] = useState<string>();
  const [created, setCreated] = useState<Created>();
  const { regions } = useSubtreeRegions(staff.region);
  const keySource = Form.useWatch('keySource', form) ?? 'file';
  const mutation = $api.useMutation('post', '/api/v1/admin/institutions');

  if (created) {
    return (
      <Page title="institutions.onboard" area="console.name">
        <Result
          status="success"
          title={t('institutions.created', { name: created.name })}
          subTitle={t('institutions.createdPending')}
          extra={[
            <Button key="open" type="primary" onClick={() => navigate(`/institutions/${created.client_id}`)}>
              {t('institutions.openCreated')}
            </Button>,
          ]}
        />
        <Typography.Paragraph>{t('institutions.secretOnce')}</Typography.Paragraph>
        <Typography.Paragraph copyable code aria-label={t('institutions.webhookSecret')}>
          {created.webhook_secret}
        </Typography.Paragraph>
      </Page>
    );
  }

  async function submit(v: Values) {
    setGeneral(undefined);
    if (v.keySource === 'file' && !v.jwks) {
      form.setFields([{ name: 'jwks', errors: [t('institutions.error.jwksMissing')] }]);
      return;
    }
    try {
      const body = {
        name: v.name,
        uscc: v.uscc.trim().toUpperCase(),
        license_no: v.license_no,
        type: v.type,
        regions: v.regions,
        dpop_required: v.dpop_required,
        ...(v.keySource === 'file' ? { jwks: v.jwks as components['schemas']['Jwks'] } : { jwks_uri: v.jwks_uri ?? '' }),
        ...(v.webhook_url ? { webhook_url: v.webhook_url } : {}),
      };
      setCreated(await mutation.mutateAsync({ body }));
    } catch (problem) {
      showProblem(form, problemFields(problem, INSTITUTION_FIELDS, t, institutionFieldMessage), setGeneral);
    }
  }

  if (!staff.admin) {
    return (
      <Page title="institutions.onboard" area="console.name">
        <Alert type="info" showIcon title={t('console.adminOnly')} />
      </Page>
    );
  }

  return (
    <Page title="institutions.onboard" area="console.name">
      <Form<Values>
        form={form}
        layout="vertical"
        className="zcd-form"
        initialValues={{ type: 'bank', keySource: 'file', dpop_required: true, regions: [] }}
        onFinish={(v) => void submit(v)}
        requiredMark
        scrollToFirstError={{ focus: true }}
      >
        {general && <Alert role="alert" type="error" showIcon title={general} className="zcd-form-alert" />}
        <Form.Item name="name" label={t('institutions.name')} rules={[{ required: true, whitespace: true, max: 200, message: t('institutions.error.name') }]}>
          <Input autoComplete="organization" />
        </Form.Item>
        <Form.Item name="uscc" label={t('institutions.uscc')} extra={t('institutions.usccHelp')} rules={[{ required: true, len: 18, message: t('institutions.error.uscc') }]}>
          <Input maxLength={18} spellCheck={false} />
        </Form.Item>
        <Form.Item name="license_no" label={t('institutions.licenseNo')} rules={[{ required: true, whitespace: true, max: 64, message: t('institutions.error.licenseNo') }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="type" label={t('institutions.type')}>
          <Radio.Group
            options={[
              { value: 'bank', label: t('institutions.type.bank') },
              { value: 'guarantee', label: t('institutions.type.guarantee') },
              { value: 'other', label: t('institutions.type.other') },
            ]}
          />
        </Form.Item>
        <Form.Item name="regions" label={t('institutions.regions')} extra={t('institutions.regionsHelp')} rules={[{ required: true, type: 'array', min: 1, message: t('institutions.error.regions') }]}>
          <Select
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            options={regions.map((r) => ({ value: r.code, label: r.path }))}
            placeholder={t('institutions.regionsPlaceholder')}
          />
        </Form.Item>
        <Form.Item name="keySource" label={t('institutions.keys')}>
          <Radio.Group
            options={[
              { value: 'file', label: t('institutions.keys.file') },
              { value: 'uri', label: t('institutions.keys.uri') },
            ]}
          />
        </Form.Item>
        {keySource === 'file' ? (
          <Form.Item name="jwks" label={t('institutions.jwksFile')} extra={t('institutions.jwksHelp')}>
            <JwksFileInput onInvalid={(key) => form.setFields([{ name: 'jwks', errors: [t(key)] }])} />
          </Form.Item>
        ) : (
          <Form.Item name="jwks_uri" label={t('institutions.jwksUri')} rules={[{ required: true, type: 'url', message: t('institutions.error.jwksUri') }]}>
            <Input inputMode="url" placeholder="https://" />
          </Form.Item>
        )}
        <Form.Item name="webhook_url" label={t('institutions.webhookUrl')} extra={t('institutions.webhookHelp')} rules={[{ type: 'url', message: t('institutions.error.webhookUrl') }]}>
          <Input inputMode="url" placeholder="https://" />
        </Form.Item>
        <Form.Item name="dpop_required" label={t('institutions.dpop')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <div className="zcd-form-actions">
          <Button type="primary" htmlType="submit" loading={mutation.isPending}>
            {t('institutions.submit')}
          </Button>
          <Button onClick={() => navigate('/institutions')}>{t('console.cancel')}</Button>
        </div>
      </Form>
    </Page>
  );
}
