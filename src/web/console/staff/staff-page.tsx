import { Alert, AutoComplete, Button, Form, Input, Modal, Select, Skeleton, Table } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api, type Problem } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { Page } from '../../shared/shell/page.js';
import { problemFields } from '../common/problem-fields.js';
import { useStaff } from '../common/use-staff.js';
import { useSubtreeRegions } from '../common/use-subtree-regions.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { bureauMessages } from '../bureau-messages.js';
import { problemText } from '../../shared/api/problem-text.js';

// The texts of the supervision pages load with them, not with the console's first page.
addMessages(bureauMessages);

type Member = components['schemas']['Staff'];
type Role = components['schemas']['StaffRole'];
interface AddInput {
  name: string;
  subject: string;
  region_code: string;
  role: Role;
}

const ROLES: Role[] = ['viewer', 'reviewer', 'admin'];
const ROLE_LABEL: Record<Role, MessageKey> = { admin: 'role.admin', reviewer: 'role.reviewer', viewer: 'role.viewer' };

/** The message at a field of the add form for a problem the API answered. */
function addFieldMessage(field: string, p: Problem): MessageKey | undefined {
  if (field === 'region_code') return p.code === 'outside_region' ? 'staff.error.outsideRegion' : 'staff.error.region';
  if (field === 'subject') return p.code === 'staff_exists' ? 'staff.error.exists' : 'staff.error.subject';
  if (field === 'name') return 'staff.error.name';
  return undefined;
}

/** `/console/staff`: the staff of the bureaus in the admin's subtree; add, change a role, remove. Admins only. */
export default function StaffPage() {
  const { t } = useI18n();
  const staff = useStaff();
  const [tokens, setTokens] = useState<string[]>([]);
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string }>();
  const [removing, setRemoving] = useState<Member>();
  const query = $api.useQuery(
    'get',
    '/api/v1/admin/staff',
    { params: { query: { page_size: 50, ...(tokens.at(-1) ? { page_token: tokens.at(-1)! } : {}) } } },
    { enabled: staff.admin },
  );
  const update = $api.useMutation('patch', '/api/v1/admin/staff/{staffId}');
  const remove = $api.useMutation('delete', '/api/v1/admin/staff/{staffId}');
  const failed = (p: unknown) => setNotice({ type: 'error', text: t('console.error.general', { detail: problemText(p, t) }) });

  if (!staff.admin) {
    return (
      <Page title="staff.title" area="console.name">
        <Alert type="info" showIcon title={t('staff.adminOnly')} />
      </Page>
    );
  }
  return (
    <Page title="staff.title" area="console.name">
      {notice && <Alert role={notice.type === 'error' ? 'alert' : 'status'} type={notice.type} showIcon closable title={notice.text} className="zcd-form-alert" onClose={() => setNotice(undefined)} />}
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('console.loadFailed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          <Table<Member>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={query.data.items}
            locale={{ emptyText: t('staff.none') }}
            columns={[
              { title: t('staff.name'), dataIndex: 'name' },
              { title: t('staff.bureau'), key: 'bureau', responsive: ['sm'], render: (_, m) => m.bureau.name },
              { title: t('staff.subject'), dataIndex: 'subject', responsive: ['md'] },
              {
                title: t('staff.role'),
                key: 'role',
                render: (_, m) => (
                  <Select<Role>
                    aria-label={t('staff.roleOf', { name: m.name })}
                    value={m.role}
                    style={{ minWidth: 110 }}
                    options={ROLES.map((r) => ({ value: r, label: t(ROLE_LABEL[r]) }))}
                    onChange={(role) =>
                      void update.mutateAsync({ params: { path: { staffId: m.id } }, body: { role } }).then(
                        () => {
                          setNotice({ type: 'success', text: t('staff.roleChanged', { name: m.name, role: t(ROLE_LABEL[role]) }) });
                          void query.refetch();
                        },
                        failed,
                      )
                    }
                  />
                ),
              },
              {
                title: t('staff.actions'),
                key: 'actions',
                render: (_, m) => (
                  <Button size="small" danger autoInsertSpace={false} aria-label={t('staff.removeNamed', { name: m.name })} onClick={() => setRemoving(m)}>
                    {t('staff.remove')}
                  </Button>
                ),
              },
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
      <AddStaffForm
        root={staff.region}
        onAdded={(m) => {
          setNotice({ type: 'success', text: t('staff.added', { name: m.name }) });
          void query.refetch();
        }}
      />
      {removing && (
        <Modal
          open
          title={t('staff.removeNamed', { name: removing.name })}
          okText={t('staff.remove')}
          cancelText={t('console.cancel')}
          okButtonProps={{ danger: true, autoInsertSpace: false }}
          confirmLoading={remove.isPending}
          onCancel={() => setRemoving(undefined)}
          onOk={() =>
            void remove.mutateAsync({ params: { path: { staffId: removing.id } } }).then(
              () => {
                setNotice({ type: 'success', text: t('staff.removed', { name: removing.name }) });
                setRemoving(undefined);
                void query.refetch();
              },
              (p: unknown) => {
                setRemoving(undefined);
                failed(p);
              },
            )
          }
        >
          {t('staff.removeConfirm', { name: removing.name })}
        </Modal>
      )}
    </Page>
  );
}

function AddStaffForm({ root, onAdded }: { root: string | undefined; onAdded: (m: Member) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<AddInput>();
  const [general, setGeneral] = useState<string>();
  const { regions } = useSubtreeRegions(root);
  const create = $api.useMutation('post', '/api/v1/admin/staff');
  const submit = (v: AddInput) =>
    void create.mutateAsync({ body: { name: v.name.trim(), subject: v.subject, region_code: v.region_code.trim(), role: v.role } }).then(
      (m) => {
        form.resetFields();
        setGeneral(undefined);
        onAdded(m);
      },
      (p: unknown) => {
        const problem = p as Problem;
        const fields = ['name', 'subject', 'region_code', 'role'];
        const shown = problemFields(p, fields, t, addFieldMessage);
        // A region outside the subtree is a 403 with no pointer: it belongs to the region field all the same.
        if (problem?.code === 'outside_region' || problem?.code === 'staff_exists') {
          const field = problem.code === 'outside_region' ? 'region_code' : 'subject';
          shown.fields = [{ name: field, errors: [t(addFieldMessage(field, problem)!)] }];
          shown.general = undefined;
        }
        form.setFields(shown.fields.map((f) => ({ name: f.name as keyof AddInput, errors: f.errors })));
        setGeneral(shown.general);
        if (shown.fields[0]) form.scrollToField(shown.fields[0].name, { focus: true });
      },
    );
  return (
    <section aria-labelledby="staff-add" style={{ marginTop: 24 }}>
      <h2 className="zcd-subtitle" id="staff-add">
        {t('staff.add')}
      </h2>
      <Form form={form} layout="vertical" className="zcd-form" onFinish={submit} initialValues={{ role: 'viewer', region_code: root }}>
        {general && <Alert role="alert" type="error" showIcon title={general} className="zcd-form-alert" />}
        <Form.Item name="name" label={t('staff.name')} rules={[{ required: true, whitespace: true, max: 100, message: t('staff.error.name') }]}>
          <Input maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="subject"
          label={t('staff.subject')}
          extra={t('staff.subjectHelp')}
          rules={[{ required: true, max: 255, pattern: /^\S(.*\S)?$/, message: t('staff.error.subject') }]}
        >
          <Input maxLength={255} autoComplete="off" />
        </Form.Item>
        <Form.Item name="region_code" label={t('staff.region')} rules={[{ required: true, pattern: /^[1-9][0-9]{5}$/, message: t('staff.error.region') }]}>
          <AutoComplete options={regions.map((r) => ({ value: r.code, label: `${r.path}（${r.code}）` }))} />
        </Form.Item>
        <Form.Item name="role" label={t('staff.role')}>
          <Select<Role> options={ROLES.map((r) => ({ value: r, label: t(ROLE_LABEL[r]) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('staff.add')}
        </Button>
      </Form>
    </section>
  );
}
