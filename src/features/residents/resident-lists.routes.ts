import { Router, type Response } from 'express';
import type { AppDeps } from '../../app.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { parseForm, type FieldErrors } from '../../lib/forms.ts';
import { formValues, parseId, setFlash } from '../../lib/http.ts';
import { requireRole } from '../auth/auth.middleware.ts';
import { AddMemberForm, DeleteListForm, RenameListForm } from './resident-lists.forms.ts';
import { addListMember, deleteResidentList, findMemberCandidates, findResidentList, listMembers, removeListMember, renameResidentList } from './resident-lists.service.ts';
import { ListFilter } from './residents.forms.ts';

type ListPage = { id: number; name: string };

/** Organiser pages for one saved list (an audience for invitations): rename, add and remove members, delete. */
export function residentListsRouter({ db, now }: AppDeps): Router {
  const router = Router();
  const staff = requireRole('organiser', 'staff', 'admin');

  function loadList(raw: unknown): ListPage {
    const list = findResidentList(db, parseId(raw) ?? 0);
    if (!list) throw notFound();
    return list;
  }

  function renderList(res: Response, list: ListPage, status: number, q: string, values: Record<string, string>, errors: FieldErrors) {
    res.status(status).render('residents/saved-list', { list, members: listMembers(db, list.id), q, candidates: findMemberCandidates(db, list.id, q), values, errors });
  }

  const pagePath = (list: ListPage, q = '') => `/admin/residents/lists/${list.id}${q ? `?q=${encodeURIComponent(q)}` : ''}`;

  router.get('/admin/residents/lists/:listId', staff, (req, res) => {
    const list = loadList(req.params.listId);
    renderList(res, list, 200, ListFilter.parse(req.query).q, { name: list.name }, {});
  });

  router.post('/admin/residents/lists/:listId', staff, (req, res) => {
    const list = loadList(req.params.listId);
    const form = parseForm(RenameListForm, req.body);
    if (!form.ok) return renderList(res, list, 422, '', formValues(req.body), form.errors);
    try {
      renameResidentList(db, list.id, form.data.name, res.locals.user!.id, now());
    } catch (error) {
      if (error instanceof AppError && error.code === 'list_name_taken') return renderList(res, list, 422, '', formValues(req.body), { name: [error.messageKey] });
      throw error;
    }
    setFlash(res, { kind: 'success', key: 'residents:list.edit.renamed', values: { name: form.data.name } });
    res.redirect(303, pagePath(list));
  });

  router.post('/admin/residents/lists/:listId/members', staff, (req, res) => {
    const list = loadList(req.params.listId);
    const form = parseForm(AddMemberForm, req.body);
    if (!form.ok) return renderList(res, list, 422, '', { name: list.name }, form.errors);
    try {
      const name = addListMember(db, list.id, form.data.residentId, res.locals.user!.id, now());
      setFlash(res, { kind: 'success', key: 'residents:list.edit.added', values: { name, list: list.name } });
    } catch (error) {
      if (error instanceof AppError && error.code === 'unknown_resident') return renderList(res, list, 422, form.data.q, { name: list.name }, { _form: [error.messageKey] });
      throw error;
    }
    res.redirect(303, pagePath(list, form.data.q));
  });

  router.post('/admin/residents/lists/:listId/members/:residentId/remove', staff, (req, res) => {
    const list = loadList(req.params.listId);
    const name = removeListMember(db, list.id, parseId(req.params.residentId) ?? 0, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'residents:list.edit.removed', values: { name, list: list.name } });
    res.redirect(303, pagePath(list));
  });

  router.post('/admin/residents/lists/:listId/delete', staff, (req, res) => {
    const list = loadList(req.params.listId);
    const form = parseForm(DeleteListForm, req.body);
    if (!form.ok) return renderList(res, list, 422, '', { name: list.name }, form.errors);
    const name = deleteResidentList(db, list.id, res.locals.user!.id, now());
    setFlash(res, { kind: 'success', key: 'residents:list.edit.deleted', values: { name } });
    res.redirect(303, '/admin/residents');
  });

  return router;
}
