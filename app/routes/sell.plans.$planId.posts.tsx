// Adds a progress post (a growth note, optionally one photo) to the seller's plan; the plan's pages show it.
import type { ActionFunctionArgs } from '@remix-run/node';
import { addPlanPost } from '~/farming/plans.server';
import { readPostMultipart, storePostPhoto } from '~/farming/posts.server';
import { stepOrRefuse } from '~/farming/route-helpers.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError } from '~/lib/forms.server';
import { removeStoredFiles } from '~/lib/storage.server';
import { redirectWithToast } from '~/lib/toast.server';

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const planId = params.planId ?? '';
  const { fields, uploads, errors } = await readPostMultipart(request);
  const values = { ...fields, intent: 'post' };
  if (Object.keys(errors).length > 0) return formError(errors, values);
  const written: string[] = [];
  try {
    const photo = uploads[0] ? await storePostPhoto(planId, uploads[0], written) : undefined;
    const result = await stepOrRefuse(values, () =>
      db.transaction((tx) =>
        addPlanPost(tx, {
          planId,
          sellerOrgId: viewer.activeOrg.orgId,
          userId: viewer.user.id,
          body: fields.body ?? '',
          photo,
        }),
      ),
    );
    if (!result.ok) {
      await removeStoredFiles(written);
      return result.response;
    }
  } catch (error) {
    await removeStoredFiles(written);
    throw error;
  }
  return redirectWithToast(`/sell/plans/${planId}`, 'farming.toast.posted');
}
