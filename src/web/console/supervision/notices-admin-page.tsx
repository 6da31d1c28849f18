import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Empty, Form, Input, Popconfirm, Radio, Skeleton, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { useSession } from '../../shared/api/session.js';
import { formatDate } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { Page } from '../../shared/shell/page.js';
import { supervisionMessages } from '../supervision-messages.js';
import { chinaDayOf, kindLabel, NOTICE_KINDS, type NoticeKind } from '../../notices/notice-text.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { problemText } from '../../shared/api/problem-text.js';

addMessages(supervisionMessages);

type Notice = components['schemas']['Notice'];
type Problem = components['schemas']['Problem'];

interface Draft {
  kind: NoticeKind;
  title: string;
  body?: string;
  subjectName?: string;
  subjectUscc?: string;
  finding?: string;
  decisionNo?: string;
  periodStart?: string;
  periodEnd?: string;
}

/** The form's fields by the pointer a refusal names them with. */
const FIELD_LABEL: Readonly<Record<string, MessageKey>> = {
  '/title': 'noticesAdmin.titleField',
  '/body': 'noticesAdmin.body',
  '/subject/name': 'noticesAdmin.subjectName',
  '/subject/uscc': 'noticesAdmin.subjectUscc',
  '/finding': 'noticesAdmin.finding',
  '/decision_no': 'noticesAdmin.decisionNo',
  '/period_start': 'noticesAdmin.periodStart',
  '/period_end': 'noticesAdmin.periodEnd',
};

/** What went wrong, from a problem document: what it means for a person, and the fields it names by their labels. */
const detailOf = (e: unknown, t: (key: MessageKey) => string) => {
  const p = e as Partial<Problem> | undefined;
  const fields = [...new Set((p?.errors ?? []).map((i) => (FIELD_LABEL[i.pointer] ? t(FIELD_LABEL[i.pointer]!) : i.pointer)).filter(Boolean))];
  return `${problemText(e, t)}${fields.length ? `（${fields.join('、')}）` : ''}`;
};

/** The body of `createNotice` from the form: the record fields only for a record. */
function noticeBody(d: Draft): components['schemas']['NoticeCreate'] {
  const record = d.kind !== 'policy';
  return {
    kind: d.kind,
    title: d.title,
    ...(d.body ? { body: d.body } : {}),
    ...(record && d.subjectName && d.subjectUscc ? { subject: { name: d.subjectName, uscc: d.subjectUscc.trim().toUpperCase() } } : {}),
    ...(record && d.finding ? { finding: d.finding } : {}),
    ...(record && d.decisionNo ? { decision_no: d.decisionNo } : {}),
    ...(record && d.periodStart ? { period_start: d.periodStart } : {}),
    ...(record && d.periodEnd ? { period_end: d.periodEnd } : {}),
  };
}

/** `/console/notices`: write notices and records (reviewers), publish and withdraw them (administrators). */
export default function NoticesAdminPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const role = session.status === 'signed-in' ? session.session.role : undefined;
  const canWrite = role === 'admin' || role === 'reviewer';
  const canPublish = role === 'admin';
  const queryClient = useQueryClient();
  const list = $api.useQuery('get', '/api/v1/admin/notices', { params: { query: { page_size: 100 } } });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/admin/notices'] });
  // 草稿已保存。 stays until the next save or until a notice is published, when it would no longer be news.
  const [saved, setSaved] = useState(false);
  const create = $api.useMutation('post', '/api/v1/admin/notices', { onSuccess: refresh });
  const publish = $api.useMutation('post', '/api/v1/admin/notices/{noticeId}/publish', {
    onSuccess: () => {
      setSaved(false);
      return refresh();
    },
  });
  const withdraw = $api.useMutation('post', '/api/v1/admin/notices/{noticeId}/withdraw', { onSuccess: refresh });
  const [form] = Form.useForm<Draft>();
  const kind = Form.useWatch('kind', form) ?? 'policy';
  const [reasons, setReasons] = useState<Record<string, string>>({});

  return (
    <Page title="noticesAdmin.title" area="console.name">
      {canWrite ? (
        <section className="zcd-section" aria-labelledby="notice-new">
          <h2 id="notice-new">{t('noticesAdmin.new')}</h2>
          <Form<Draft>
            form={form}
            layout="vertical"
            initialValues={{ kind: 'policy' }}
            onFinish={(d) => {
              setSaved(false);
              create.mutate({ body: noticeBody(d) }, { onSuccess: () => (form.resetFields(), setSaved(true)) });
            }}
          >
            <Form.Item name="kind" label={t('noticesAdmin.kind')} rules={[{ required: true }]}>
              <Radio.Group optionType="button" options={NOTICE_KINDS.map((k) => ({ value: k, label: t(kindLabel(k)) }))} />
            </Form.Item>
            <Form.Item name="title" label={t('noticesAdmin.titleField')} rules={[{ required: true, max: 200 }]}>
              <Input />
            </Form.Item>
            {kind !== 'policy' ? (
              <>
                <Form.Item name="subjectName" label={t('noticesAdmin.subjectName')} rules={[{ required: true, max: 200 }]}>
                  <Input />
                </Form.Item>
                <Form.Item name="subjectUscc" label={t('noticesAdmin.subjectUscc')} rules={[{ required: true, len: 18 }]}>
                  <Input autoComplete="off" />
                </Form.Item>
                <Form.Item name="finding" label={t('noticesAdmin.finding')} rules={[{ required: true, max: 2000 }]}>
                  <Input.TextArea rows={3} />
                </Form.Item>
                <Form.Item name="decisionNo" label={t('noticesAdmin.decisionNo')} rules={[{ required: true, max: 100 }]}>
                  <Input />
                </Form.Item>
                <Form.Item name="periodStart" label={t('noticesAdmin.periodStart')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}>
                  <Input inputMode="numeric" />
                </Form.Item>
                <Form.Item name="periodEnd" label={t('noticesAdmin.periodEnd')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}>
                  <Input inputMode="numeric" />
                </Form.Item>
              </>
            ) : null}
            <Form.Item name="body" label={t('noticesAdmin.body')} rules={[{ required: kind === 'policy', max: 20000 }]}>
              <Input.TextArea rows={5} />
            </Form.Item>
            {create.isError ? <Alert type="error" showIcon title={t('noticesAdmin.saveFailed', { detail: detailOf(create.error, t) })} /> : null}
            {saved ? <Alert type="success" showIcon role="status" title={t('noticesAdmin.saved')} /> : null}
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('noticesAdmin.save')}
            </Button>
          </Form>
        </section>
      ) : null}
      {publish.isError || withdraw.isError ? (
        <Alert type="error" showIcon title={t('noticesAdmin.actionFailed', { detail: detailOf(publish.error ?? withdraw.error, t) })} />
      ) : null}
      {list.isPending ? (
        <Skeleton active />
      ) : list.isError ? (
        <Alert type="error" showIcon title={t('noticesAdmin.failed')} action={<Button onClick={() => void list.refetch()}>{t('common.retry')}</Button>} />
      ) : list.data.items.length === 0 ? (
        <Empty description={t('noticesAdmin.none')} />
      ) : (
        <Table<Notice>
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: true }}
          dataSource={list.data.items}
          caption={<span className="zcd-visually-hidden">{t('noticesAdmin.title')}</span>}
          columns={[
            { title: t('noticesAdmin.kind'), dataIndex: 'kind', responsive: ['sm'], className: 'zcd-nowrap', render: (k: NoticeKind) => t(kindLabel(k)) },
            {
              title: t('noticesAdmin.titleField'),
              dataIndex: 'title',
              // On a phone the kind has no column of its own (it broke one character a line): it goes under the title.
              render: (title: string, n: Notice) => (
                <>
                  {title}
                  <span className="zcd-muted zcd-phone-only">{t(kindLabel(n.kind))}</span>
                </>
              ),
            },
            {
              title: t('noticesAdmin.status'),
              dataIndex: 'status',
              render: (s: Notice['status']) => <Tag color={s === 'published' ? 'blue' : 'default'}>{t(`noticesAdmin.status.${s}`)}</Tag>,
            },
            { title: t('noticesAdmin.updated'), dataIndex: 'updated_at', responsive: ['md'], render: (iso: string) => formatDate(chinaDayOf(iso), locale) },
            ...(canPublish
              ? [
                  {
                    title: t('noticesAdmin.actions'),
                    key: 'actions',
                    render: (_: unknown, n: Notice) =>
                      n.status === 'draft' ? (
                        // Publishing puts it on the public site at once: asked once more, as a withdrawal needs a reason.
                        <Popconfirm
                          title={t('noticesAdmin.publishConfirm')}
                          okText={t('noticesAdmin.publish')}
                          cancelText={t('noticesAdmin.cancel')}
                          onConfirm={() => publish.mutate({ params: { path: { noticeId: n.id } } })}
                        >
                          <Button size="small" aria-label={`${t('noticesAdmin.publish')} ${n.title}`}>
                            {t('noticesAdmin.publish')}
                          </Button>
                        </Popconfirm>
                      ) : n.status === 'published' ? (
                        <Space.Compact className="zcd-withdraw-notice">
                          <Input size="small" placeholder={t('noticesAdmin.withdrawReason')} aria-label={`${t('noticesAdmin.withdrawReason')} ${n.title}`} onChange={(e) => setReasons((r) => ({ ...r, [n.id]: e.target.value }))} />
                          <Button
                            size="small"
                            danger
                            disabled={!reasons[n.id]?.trim()}
                            onClick={() => withdraw.mutate({ params: { path: { noticeId: n.id } }, body: { reason: reasons[n.id]!.trim() } })}
                            aria-label={`${t('noticesAdmin.withdraw')} ${n.title}`}
                          >
                            {t('noticesAdmin.withdraw')}
                          </Button>
                        </Space.Compact>
                      ) : null,
                  },
                ]
              : []),
          ]}
        />
      )}
    </Page>
  );
}
