import { Alert, Button, Form, Input, Select, Skeleton, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api, problemStatus, type Problem } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';
import { useStaff } from '../common/use-staff.js';
import { useSubtreeRegions } from '../common/use-subtree-regions.js';
import { When } from '../common/when-time.js';
import { formatRule, inputToRules, RULES, rulesToInput, type Rule, type RulesInput } from './policy-fields.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { bureauMessages } from '../bureau-messages.js';

// The texts of the supervision pages load with them, not with the console's first page.
addMessages(bureauMessages);

type RegionPolicy = components['schemas']['RegionPolicy'];
type Breach = components['schemas']['DeadlineBreach'];

const RULE_LABEL: Record<Rule, MessageKey> = {
  max_share_bp: 'policy.rule.max_share_bp',
  max_amount: 'policy.rule.max_amount',
  max_rate_bp: 'policy.rule.max_rate_bp',
  fees_allowed: 'policy.rule.fees_allowed',
  decide_days: 'policy.rule.decide_days',
  disburse_days: 'policy.rule.disburse_days',
};

/** `/console/policy`: a region's financing policy with what it inherits (admins set the region's own rules), and the deadlines banks missed. */
export default function PolicyPage() {
  const { t } = useI18n();
  return (
    <Page title="policy.title" area="console.name">
      <Tabs
        items={[
          { key: 'policy', label: t('policy.title'), children: <PolicyPanel /> },
          { key: 'breaches', label: t('breaches.title'), children: <BreachesPanel /> },
        ]}
      />
    </Page>
  );
}

function PolicyPanel() {
  const { t } = useI18n();
  const staff = useStaff();
  const { regions } = useSubtreeRegions(staff.region);
  const [picked, setPicked] = useState<string>();
  // Held here, not in the form: a save changes updated_at, which remounts the form with the saved values, and
  // the message that it was saved must outlive that.
  const [notice, setNotice] = useState<Notice>();
  const region = picked ?? staff.region;
  const query = $api.useQuery('get', '/api/v1/admin/regions/{code}/policy', { params: { path: { code: region ?? '' } } }, { enabled: region !== undefined, retry: false });
  const p = query.data;
  const regionName = useRegionNames(p ? Object.values(p.inherited_from) : []);
  return (
    <>
      <p>{t('policy.explain')}</p>
      <div className="zcd-toolbar">
        <label htmlFor="policy-region">{t('policy.region')}</label>
        <Select<string>
          id="policy-region"
          style={{ minWidth: 220 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={region}
          onChange={(code: string) => {
            setPicked(code);
            setNotice(undefined);
          }}
          options={regions.map((r) => ({ value: r.code, label: r.path }))}
        />
      </div>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t(problemStatus(query.error) === 404 ? 'supervise.notFound' : 'console.loadFailed')} />
      ) : (
        <>
          <Table<Rule>
            size="small"
            rowKey={(r) => r}
            pagination={false}
            scroll={{ x: true }}
            dataSource={[...RULES]}
            columns={[
              { title: t('policy.rule'), key: 'rule', render: (_, r) => t(RULE_LABEL[r]) },
              { title: t('policy.effective'), key: 'effective', className: 'zcd-nowrap', render: (_, r) => formatRule(r, p!.effective[r], t) },
              {
                title: t('policy.source'),
                key: 'source',
                render: (_, r) => {
                  const from = p!.inherited_from[r];
                  if (from === undefined) return t('common.none');
                  return from === p!.region_code ? <Tag color="#237804">{t('policy.setHere')}</Tag> : <Tag color="#0958d9">{t('policy.inherited', { region: regionName(from) })}</Tag>;
                },
              },
              { title: t('policy.own'), key: 'own', responsive: ['sm'], render: (_, r) => (p!.own[r] === null ? t('policy.inherit') : formatRule(r, p!.own[r], t)) },
            ]}
          />
          {staff.admin && <PolicyForm key={`${p!.region_code}:${p!.updated_at ?? ''}`} policy={p!} notice={notice} setNotice={setNotice} onSaved={() => void query.refetch()} />}
        </>
      )}
    </>
  );
}

type Notice = { type: 'success' | 'error'; text: string };

function PolicyForm({ policy, notice, setNotice, onSaved }: { policy: RegionPolicy; notice: Notice | undefined; setNotice: (n: Notice | undefined) => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<RulesInput>();
  const save = $api.useMutation('put', '/api/v1/admin/regions/{code}/policy');
  const submit = (v: RulesInput) => {
    const checked = inputToRules(v);
    form.setFields(RULES.map((name) => ({ name, errors: [] })));
    if ('errors' in checked) {
      form.setFields(checked.errors.map((e) => ({ name: e.name, errors: [t(e.message)] })));
      form.scrollToField(checked.errors[0]!.name, { focus: true });
      return;
    }
    void save.mutateAsync({ params: { path: { code: policy.region_code } }, body: checked.rules }).then(
      () => {
        setNotice({ type: 'success', text: t('policy.saved') });
        onSaved();
      },
      (p: unknown) => {
        const problem = (p ?? {}) as Partial<Problem> & { rule?: Rule; limit?: number | boolean };
        if (problem.code === 'policy_looser_than_parent' && problem.rule && RULES.includes(problem.rule)) {
          const limit = formatRule(problem.rule, problem.limit ?? null, t);
          form.setFields([{ name: problem.rule, errors: [`${t('policy.error.looser', { limit })}（${problem.detail ?? ''}）`] }]);
          form.scrollToField(problem.rule, { focus: true });
          setNotice(undefined);
          return;
        }
        const fields = (problem.errors ?? []).map((e) => ({ name: e.pointer.split('/')[1] as Rule, errors: [t('console.error.field', { detail: e.detail })] })).filter((f) => RULES.includes(f.name));
        if (fields.length) form.setFields(fields);
        else setNotice({ type: 'error', text: t('console.error.general', { detail: problem.detail ?? problem.title ?? '' }) });
      },
    );
  };
  const text = (rule: Exclude<Rule, 'fees_allowed'>, mode: 'decimal' | 'numeric') => (
    <Form.Item key={rule} name={rule} label={t(RULE_LABEL[rule])} extra={t('policy.emptyInherits')}>
      <Input inputMode={mode} autoComplete="off" />
    </Form.Item>
  );
  return (
    <section aria-labelledby="policy-edit" style={{ marginTop: 24 }}>
      <h2 className="zcd-subtitle" id="policy-edit">
        {t('policy.edit')}
      </h2>
      {notice && <Alert role={notice.type === 'error' ? 'alert' : 'status'} type={notice.type} showIcon title={notice.text} className="zcd-form-alert" />}
      <Form form={form} layout="vertical" className="zcd-form" initialValues={rulesToInput(policy.own)} onFinish={submit}>
        {text('max_share_bp', 'decimal')}
        {text('max_amount', 'decimal')}
        {text('max_rate_bp', 'decimal')}
        <Form.Item name="fees_allowed" label={t(RULE_LABEL.fees_allowed)}>
          <Select
            options={[
              { value: 'inherit', label: t('policy.inherit') },
              { value: 'yes', label: t('console.yes') },
              { value: 'no', label: t('console.no') },
            ]}
          />
        </Form.Item>
        {text('decide_days', 'numeric')}
        {text('disburse_days', 'numeric')}
        <Button type="primary" htmlType="submit" loading={save.isPending} autoInsertSpace={false}>
          {t('console.save')}
        </Button>
      </Form>
    </section>
  );
}

function BreachesPanel() {
  const { t } = useI18n();
  const [deadline, setDeadline] = useState<'' | 'decide' | 'disburse'>('');
  const [tokens, setTokens] = useState<string[]>([]);
  const query = $api.useQuery('get', '/api/v1/admin/deadline-breaches', {
    params: { query: { page_size: 50, ...(deadline ? { deadline } : {}), ...(tokens.at(-1) ? { page_token: tokens.at(-1)! } : {}) } },
  });
  const regionName = useRegionNames((query.data?.items ?? []).map((b) => b.region_code));
  return (
    <>
      <p>{t('breaches.explain')}</p>
      <div className="zcd-toolbar">
        <label htmlFor="breach-deadline">{t('breaches.deadline')}</label>
        <Select<'' | 'decide' | 'disburse'>
          id="breach-deadline"
          style={{ minWidth: 160 }}
          value={deadline}
          onChange={(v) => {
            setDeadline(v);
            setTokens([]);
          }}
          options={[
            { value: '', label: t('breaches.allDeadlines') },
            { value: 'decide', label: t('breaches.deadline.decide') },
            { value: 'disburse', label: t('breaches.deadline.disburse') },
          ]}
        />
      </div>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('console.loadFailed')} />
      ) : (
        <>
          <Table<Breach>
            size="small"
            rowKey={(b) => `${b.application_id}:${b.deadline}`}
            pagination={false}
            scroll={{ x: true }}
            dataSource={query.data.items}
            locale={{ emptyText: t('breaches.none') }}
            columns={[
              { title: t('supervise.contract'), key: 'contract', render: (_, b) => <Link href={`/applications/${b.application_id}`}>{b.contract_no}</Link> },
              { title: t('breaches.deadline'), key: 'deadline', render: (_, b) => <Tag color="#a8071a">{t(b.deadline === 'decide' ? 'breaches.deadline.decide' : 'breaches.deadline.disburse')}</Tag> },
              { title: t('supervise.institution'), dataIndex: 'institution_name', responsive: ['sm'] },
              { title: t('supervise.region'), key: 'region', responsive: ['md'], render: (_, b) => regionName(b.region_code) },
              { title: t('breaches.workingDays'), dataIndex: 'working_days', responsive: ['md'] },
              { title: t('breaches.dueAt'), key: 'due', responsive: ['lg'], render: (_, b) => <When iso={b.due_at} /> },
              { title: t('breaches.recordedAt'), key: 'recorded', render: (_, b) => <When iso={b.recorded_at} /> },
            ]}
          />
          <div className="zcd-pager">
            <Button disabled={tokens.length === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
              {t('common.previousPage')}
            </Button>
            <Button disabled={!query.data.next_page_token} onClick={() => setTokens([...tokens, query.data.next_page_token!])}>
              {t('common.nextPage')}
            </Button>
          </div>
        </>
      )}
    </>
  );
}
