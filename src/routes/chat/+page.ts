// Nobody chats before agreeing to the rules (18+): the gate first, then this chat.
import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { hasAcceptedTerms } from '$lib/safety/terms';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url }) => {
	if (!hasAcceptedTerms()) {
		const mode = url.searchParams.get('mode') ?? 'text';
		redirect(307, resolve(`/terms?mode=${encodeURIComponent(mode)}`));
	}
};
