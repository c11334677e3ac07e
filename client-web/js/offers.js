// What a group's members offer (the group page lists it, the member page asks it): the wire values
// of POST /api/member's "offers", in the order the pages show them, and their words. Kept apart from
// words.js, which the participant's pages load (and which Arabic must therefore cover).
import { t, formatList } from './i18n.js';

export const OFFER = {
  notes: t('member.offer.notes'),
  timekeeping: t('member.offer.timekeeping'),
  writing_up: t('member.offer.writing_up'),
  welcoming: t('member.offer.welcoming'),
};

// ["notes", "welcoming"] -> "taking notes, welcoming newcomers"
export const offersInWords = (offers) => formatList((offers || []).map((o) => OFFER[o] || o));
