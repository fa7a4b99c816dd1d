#!/usr/bin/env node
// Writes the LoRA lab's pretraining corpus, labs/lora/corpus/*.txt (one document per paragraph, documents
// separated by a blank line), deterministically (same content/ and seed → same bytes):
//
//   lessons.txt   the course's own prose: content/**/*.md with front matter, code, tables and markup
//                 stripped, one paragraph or list item per document
//   tickets.txt   support tickets written from labs/lora/data/language.mjs (all phrasings, both sides),
//                 most of them followed by an agent's reply, plus short subject lines
//   help.txt      help-centre answers about billing, shipping, accounts and technical problems
//
// The corpus never holds a label in the lab's answer format ("category: …", "priority: …"), and no
// held-out ticket of the lab's task data appears in it verbatim (generate.mjs checks both), so the
// pretrained base cannot already do the task; it only knows the language of support tickets.
//
//   node scripts/make-corpus.mjs [--out DIR] [--seed N]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORIES, expand, pick, PRIORITIES, rng, sentenceCase, ticket } from '../labs/lora/data/language.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

// ---- the course's prose ------------------------------------------------------------------------

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Markdown → plain paragraphs: no front matter, code blocks, tables, HTML, links or emphasis marks. */
export function markdownToParagraphs(md) {
  let text = md.replace(/\r\n/g, '\n');
  text = text.replace(/^---\n[\s\S]*?\n---\n/, '');
  text = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '\n');
  text = text.replace(/<!--[\s\S]*?-->/g, '');
  const paragraphs = [];
  let current = [];
  const flush = () => {
    if (current.length) paragraphs.push(current.join(' '));
    current = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || /^\|/.test(line) || /^[-=*_]{3,}$/.test(line) || /^<\/?[a-z]/i.test(line)) {
      flush();
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const item = /^(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    const quote = /^>\s?(.*)$/.exec(line);
    if (heading) {
      flush();
      current.push(heading[1]);
      flush();
    } else if (item) {
      flush();
      current.push(item[1]);
    } else current.push(quote ? quote[1] : line);
  }
  flush();
  return paragraphs
    .map((p) =>
      p
        .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
        .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
        .replace(/`([^`]*)`/g, '$1')
        .replace(/(\*\*|__)(.+?)\1/g, '$2')
        .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s.,;:!?)]|$)/g, '$1$2')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((p) => /[a-z]/i.test(p) && p.split(' ').length >= 3);
}

// ---- agents' replies and help pages --------------------------------------------------------------

const REPLY_OPEN = ['Hi [NAME],', 'Hello [NAME],', 'Dear [NAME],', 'Hi there,', 'Thanks for reaching out.', 'Thank you for contacting us.'];
const REPLY_CLOSE = [
  'Best wishes, [AGENT]',
  'Kind regards, [AGENT] from the support team',
  'Thanks for your patience. [AGENT]',
  'Let us know if there is anything else. [AGENT]',
  'Have a good day. [AGENT]',
];

const REPLIES = {
  billing: [
    'I can see the duplicate payment of [AMOUNT] and I have refunded it. It can take three to five working days to show on your statement.',
    'I have checked your invoice and corrected the amount. The new invoice is in your account under Billing.',
    'The refund was sent on [WHEN]. Banks usually need a few working days before it appears on the card.',
    'I have cancelled the renewal and refunded the last charge, so you will not be billed again.',
    'I have attached a copy of your receipt. You can also download every invoice from the Billing page.',
    'The discount should have been applied at checkout. I have refunded the difference of [AMOUNT].',
    'That charge is a temporary hold from the payment provider. It disappears by itself within a week.',
    'I have moved your plan to yearly billing. The next invoice will show the new price.',
    'Our finance team has removed the late fee and sent you a corrected bill.',
    'The price change was announced by email last month, but I have kept your old price for another year.',
    'I have issued a credit note for [AMOUNT]. It will be taken off your next invoice.',
    'Your card was declined by the bank. Please check with them, or add another payment method in Billing.',
    'I have updated the company name and tax number on the invoice and sent it again.',
    'The seats you no longer use have been removed, and the extra charge has been refunded.',
  ],
  shipping: [
    'I am sorry your parcel is late. I have asked the courier to investigate, and we will send a replacement if it is not found within two days.',
    'The tracking number only starts working once the courier scans the parcel. It should update by tomorrow.',
    'I am sorry the box arrived damaged. Please keep the packaging; a replacement is already on its way.',
    'We sent the wrong item by mistake. You will get a free return label by email, and the right item ships today.',
    'I have changed the delivery address on your order. The courier will use the new address.',
    'Your parcel is held at customs. This usually takes a few days, and there is nothing you need to pay.',
    'The courier marked the parcel as delivered at the front door. If it is not there, we will open a claim.',
    'The missing part of your order was sent in a second box. It should arrive within two days.',
    'Your return has arrived at our warehouse, and the refund will follow once it is checked.',
    'The driver could not find your address. Please add a phone number so the courier can call next time.',
    'I have booked a new delivery slot for you. The parcel will come on [WHEN].',
    'Your parcel is waiting at the pickup point for seven days. Bring your order number to collect it.',
    'I have refunded the express delivery fee, because the parcel did not arrive on time.',
    'The warehouse confirms that your order left yesterday. Tracking will show it within a day.',
  ],
  account: [
    'I have unlocked your account. You can sign in again with your current password.',
    'The reset email sometimes lands in the spam folder. I have sent a new link that works for one hour.',
    'For your security I have reset your password and signed out every device. Please choose a new password now.',
    'I have changed the email address on your account. Please confirm it with the link we just sent.',
    'Your account and your data will be deleted within thirty days, as our privacy policy explains.',
    'I have turned off two step verification, so you can sign in and set it up on your new phone.',
    'The two accounts are now merged, and your order history is in the remaining one.',
    'Your colleague has been added to the team account and will receive an invitation by email.',
    'I have removed the old user from your workspace, so they can no longer sign in.',
    'The suspension was a mistake by our fraud filter. Your account is active again.',
    'Your data export is ready. You can download it from your profile for the next seven days.',
    'Ownership of the account has moved to your manager, who now has admin rights.',
    'I have sent a new verification link. Please open it within twenty four hours.',
    'The login alert came from a new device. If it was not you, change your password and we will check the account.',
  ],
  technical: [
    'Thanks for the report. Our engineers found the bug, and a fix ships in the next update.',
    'Please update to the latest version of the app. The crash on start is fixed there.',
    'Clearing the browser cache usually solves this. If it does not, please send us the error code.',
    'We had an outage this morning that caused the error page. Everything is running again.',
    'Uploads stop when the file is larger than the limit. The limit is now raised to one hundred megabytes.',
    'The export works again after the fix we released today. Please try once more.',
    'Our status page shows a problem with sync. The team is working on it, and we will update you.',
    'Please reinstall the desktop app. The new installer supports your system.',
    'The slow loading came from a database problem, which the engineers have fixed.',
    'Could you send us the log file? It helps the engineers reproduce the problem.',
    'Notifications need to be allowed again in your phone settings after the update.',
    'The calendar bug was caused by the time zone setting. It is fixed in version four.',
    'The API errors were caused by an expired certificate, which has now been renewed.',
    'We have reproduced the issue and added it to our bug tracker. A workaround is to use the web version.',
  ],
};

const REPLY_TEAM = {
  billing: [
    'I have passed this to our billing team.',
    'Our payments team will check the charge.',
    'Billing will confirm the refund by email.',
    'Our billing team has the details now.',
    'This is a billing question, so our finance colleagues will answer.',
  ],
  shipping: [
    'I have passed this to our shipping team.',
    'Our delivery partner has been informed.',
    'The shipping team will contact the courier.',
    'Our shipping team has the details now.',
    'This is a delivery question, so our warehouse colleagues will answer.',
  ],
  account: [
    'I have passed this to our account team.',
    'Our account security team will review it.',
    'The account team can verify your identity.',
    'Our account team has the details now.',
    'This is an account question, so our access colleagues will answer.',
  ],
  technical: [
    'I have passed this to our technical team.',
    'Our engineers are looking into it.',
    'Technical support will send you the details.',
    'Our technical team has the details now.',
    'This is a technical problem, so our engineers will answer.',
  ],
};

const REPLY_PRIORITY = {
  high: [
    'Because this is blocking your work, I have escalated it to the on-call team.',
    'I understand this is urgent, so I have made it our top priority.',
    'A senior engineer is looking at it right now, and I will call you within the hour.',
    'We treat this as high priority and will update you every hour.',
    'This has top priority for us today.',
    'I have marked your ticket as urgent.',
  ],
  medium: [
    'I will look into this and get back to you within two working days.',
    'I have opened a case and will update you this week.',
    'We will check this and write back soon.',
    'This has normal priority, and we will answer within a few days.',
    'I have given your ticket medium priority, so expect news this week.',
    'We will handle it in the usual order of our queue.',
  ],
  low: [
    'Thanks for the heads up. We have added it to our list.',
    'There is no action needed from you, and we will fix it in a future update.',
    'Thanks for letting us know. It is a small issue, and we will handle it in time.',
    'This has low priority, so it may take a few weeks.',
    'Since there is no rush, we will look at it when the queue is quiet.',
    'I have noted it as a minor issue for later.',
  ],
};

const SUBJECTS = {
  billing: [
    'Double charge',
    'Wrong invoice',
    'Refund question',
    'Subscription renewal',
    'Missing receipt',
    'Payment declined',
    'Unexpected fee',
    'Price increase',
  ],
  shipping: [
    'Where is my parcel?',
    'Damaged delivery',
    'Wrong item received',
    'Tracking not working',
    'Change of address',
    'Missing items',
    'Late delivery',
    'Return label',
  ],
  account: [
    'Cannot log in',
    'Password reset',
    'Locked account',
    'Change my email',
    'Delete my account',
    'Two factor problem',
    'Add a team member',
    'Suspicious login',
  ],
  technical: [
    'App keeps crashing',
    'Error page',
    'Upload problem',
    'Sync failing',
    'Slow website',
    'Export broken',
    'Notifications missing',
    'Bug after update',
  ],
};

const HELP = {
  billing: [
    [
      'How do I get a refund?',
      'Open your order history, choose the order and select Request refund. Refunds go back to the card you paid with within five working days.',
    ],
    [
      'Why was I charged twice?',
      'A second charge is often a temporary hold by your bank. It disappears within a week. If both payments stay, contact us and we refund one.',
    ],
    ['Where can I find my invoices?', 'Every invoice is on the Billing page of your account. You can download them as PDF files.'],
    [
      'How do I cancel my subscription?',
      'Go to Billing and choose Cancel plan. You keep access until the end of the period you paid for, and you are not charged again.',
    ],
    [
      'Why did my payment fail?',
      'Payments fail when the card has expired, the bank blocks the charge or the billing address does not match. Try another card or ask your bank.',
    ],
    [
      'Can I change my billing period?',
      'Yes. Switch between monthly and yearly billing on the Billing page. Yearly billing costs less per month.',
    ],
    [
      'What is this charge on my statement?',
      'Our charges show the company name and your order number. If you do not recognise a payment, send us the date and the amount.',
    ],
    [
      'How do discount codes work?',
      'Enter the code at checkout before you pay. A code cannot be added to an order that is already paid, but we can refund the difference.',
    ],
  ],
  shipping: [
    [
      'Where is my parcel?',
      'Use the tracking link in your shipping email. Tracking starts once the courier scans the parcel, which can take a day.',
    ],
    [
      'My parcel arrived damaged. What now?',
      'Take photos of the box and the item, then contact us. We send a replacement or refund the item.',
    ],
    [
      'Can I change the delivery address?',
      'You can change the address until the parcel leaves our warehouse. After that the courier decides whether it can be redirected.',
    ],
    [
      'How long does delivery take?',
      'Standard delivery takes three to five working days, and express delivery takes one or two. Customs can add a few days for orders from abroad.',
    ],
    [
      'How do I return an item?',
      'Print the return label from your order page, pack the item and drop it at any pickup point. Returns are free within thirty days.',
    ],
    [
      'Tracking says delivered, but I have nothing.',
      'Check with your neighbours and around the door. If the parcel does not turn up within two days, we open a claim with the courier.',
    ],
    ['Part of my order is missing.', 'Large orders sometimes ship in several boxes. Your shipping email lists every tracking number.'],
    ['I missed the delivery.', 'The courier leaves a card and tries again the next day, or takes the parcel to a pickup point near you.'],
  ],
  account: [
    [
      'I forgot my password.',
      'Choose Forgot password on the sign in page. The reset link arrives by email within a few minutes; check your spam folder too.',
    ],
    ['My account is locked.', 'Accounts lock after several wrong passwords. Wait fifteen minutes or reset your password to unlock it.'],
    ['How do I change my email address?', 'Open Profile, enter the new address and confirm it with the link we send to it.'],
    ['How do I delete my account?', 'Go to Profile and choose Delete account. Your data is removed within thirty days.'],
    [
      'The two factor code does not arrive.',
      'Check that the phone number in your profile is right, or use one of the backup codes you saved when you set it up.',
    ],
    ['How do I add people to my team?', 'Admins can invite colleagues from the Team page. Each person gets an email with a link to join.'],
    [
      'I think someone else used my account.',
      'Change your password at once and sign out all devices from the Security page. Then contact us so we can check the activity.',
    ],
    ['Can I merge two accounts?', 'Yes, our support team can merge accounts that you own. Tell us both email addresses.'],
  ],
  technical: [
    [
      'The app crashes when it starts.',
      'Update the app to the latest version and restart your device. If it still crashes, send us the error message.',
    ],
    ['The website shows an error.', 'Reload the page and clear your browser cache. Our status page shows whether there is an outage.'],
    [
      'My upload stops before it finishes.',
      'Uploads need a stable connection and must stay under the size limit. Large files upload faster from the desktop app.',
    ],
    [
      'Sync does not work.',
      'Sign out and in again to restart sync. If you see a timeout message, check your connection or try again later.',
    ],
    [
      'Notifications stopped.',
      'Allow notifications for the app in your phone settings, and check that they are switched on in the app itself.',
    ],
    [
      'The page is slow.',
      'Slow pages are often caused by browser extensions or an old browser. Try another browser to see whether it is faster.',
    ],
    [
      'Export gives an empty file.',
      'Choose a date range that contains data before you export. If the file is still empty, report it to us with the range you chose.',
    ],
    [
      'Which systems are supported?',
      'The app runs on recent versions of Windows, macOS, Android and iOS, and in every current web browser.',
    ],
  ],
};

// How a support desk sorts its tickets, in plain words (the lab's answer format never appears)
const ROUTING = [
  'Questions about invoices, refunds, charges and subscriptions are handled by our billing team.',
  'Questions about parcels, deliveries, tracking and returns are handled by our shipping team.',
  'Questions about passwords, logins, profiles and team members are handled by our account team.',
  'Crashes, error messages, bugs and slow pages are handled by our technical team.',
  'How we sort tickets\nEvery ticket gets a category and a priority. The category says which team handles it: billing, shipping, account or technical. The priority says how fast we answer: high, medium or low.',
  'Billing tickets are about money: invoices, refunds, double charges, failed payments and subscriptions.',
  'Shipping tickets are about parcels: late deliveries, tracking numbers, damaged boxes, wrong items and returns.',
  'Account tickets are about access: passwords, sign in problems, locked accounts, two factor codes and team members.',
  'Technical tickets are about the product itself: crashes, error pages, slow loading, failed uploads and sync problems.',
  'A ticket has high priority when the customer cannot work, is losing money or has a deadline today.',
  'A ticket has medium priority when the problem needs fixing soon but does not stop the customer.',
  'A ticket has low priority when it is a small issue with no deadline, such as a question or a cosmetic bug.',
  'When a ticket mentions two problems, the team for the main problem answers and passes the rest on.',
];

function thread(rand, heldoutTexts) {
  const category = pick(rand, CATEGORIES);
  const priority = pick(rand, PRIORITIES);
  const text = ticket(rand, category, priority, 'all');
  if (heldoutTexts.has(text)) return null;
  const lines = [];
  const r = rand();
  if (r < 0.3) lines.push(`Subject: ${pick(rand, SUBJECTS[category])}`);
  lines.push(text);
  if (rand() < 0.9) {
    // the agent first says who handles it and how soon, then answers
    const reply = [expand(pick(rand, REPLY_OPEN), rand)];
    if (rand() < 0.6) reply.push(pick(rand, REPLY_TEAM[category]));
    if (rand() < 0.7) reply.push(pick(rand, REPLY_PRIORITY[priority]));
    reply.push(expand(pick(rand, REPLIES[category]), rand));
    reply.push(expand(pick(rand, REPLY_CLOSE), rand));
    lines.push(reply.join(' '));
  }
  return lines.join('\n');
}

function shuffle(rand, list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** The corpus files as { name: text }. `heldoutTexts` are ticket texts that must not appear. */
export function makeCorpus({ seed = 2024, tickets = 5200, helpCopies = 4, heldoutTexts = new Set() } = {}) {
  const lessons = walk(join(root, 'content'))
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) => markdownToParagraphs(readFileSync(f, 'utf8')));
  const rand = rng(seed);
  const threads = [];
  while (threads.length < tickets) {
    const t = thread(rand, heldoutTexts);
    if (t) threads.push(t);
  }
  // every help page a few times, shuffled among the routing notes
  const pages = [...ROUTING, ...CATEGORIES.flatMap((c) => HELP[c].map(([q, a]) => sentenceCase(`${q}\n${a}`)))];
  const helpDocs = [];
  for (let k = 0; k < helpCopies; k++) helpDocs.push(...pages);
  shuffle(rand, helpDocs);
  const doc = (list) => list.join('\n\n') + '\n';
  return { 'lessons.txt': doc(lessons), 'tickets.txt': doc(threads), 'help.txt': doc(helpDocs) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const out = arg('out', join(root, 'labs/lora/corpus'));
  const { heldoutTickets } = await import('../labs/lora/data/generate.mjs');
  const files = makeCorpus({ seed: Number(arg('seed', 2024)), heldoutTexts: new Set(heldoutTickets()) });
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    if (/\b(category|priority): /i.test(text)) throw new Error(`${name} holds a label in the answer format`);
    writeFileSync(join(out, name), text);
    console.log(`${join(out, name)}: ${Buffer.byteLength(text)} bytes, ${text.split('\n\n').length} documents`);
  }
}
