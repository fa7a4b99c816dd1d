// The support-ticket language shared by the LoRA lab's task data (generate.mjs) and the pretraining corpus
// (scripts/make-corpus.mjs): what customers write about billing, shipping, account and technical problems,
// how urgent they say it is, and how agents and help pages answer. Every list of phrasings is split in
// two by position: the "train" side (items 0, 1, 3, 4, 6, …) and the "held-out" side (items 2, 5, 8, …).
// The lab's held-out tickets are built only from held-out phrasings, so they are sentences the fine-tuning
// data never shows. The pretraining corpus uses both sides but never a label.
//
// Templates: {a|b|c} picks one alternative (they nest), [SLOT] expands an entry of SLOTS.

export const CATEGORIES = ['billing', 'shipping', 'account', 'technical'];
export const PRIORITIES = ['low', 'medium', 'high'];

/** A seeded uniform generator on [0, 1) (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = (rand, arr) => arr[Math.floor(rand() * arr.length)];

export const SLOTS = {
  ORDER: ['my last order', 'my order', 'order [NUM]', 'order number [NUM]', 'my order from [WHEN]', 'the order I placed [WHEN]', 'my recent purchase'],
  NUM: ['#[D][D][D][D][D]', '[D][D][D][D][D][D]', 'A-[D][D][D][D]'],
  D: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  AMOUNT: ['$[D][D].[D]9', '€[D][D].[D]0', '£[D][D][D]', '$[D][D][D].00', '[D][D] euros', '[D][D] dollars'],
  SINCE: ['last week', 'yesterday', 'Monday', 'the last update', 'this morning', 'the weekend', 'last month'],
  WHEN: ['last week', 'on Monday', 'yesterday', 'two weeks ago', 'this morning', 'on Friday', 'last month', 'three days ago', 'at the weekend', 'on the first of the month'],
  ITEM: ['the blue jacket', 'a pair of headphones', 'the desk lamp', 'two books', 'the coffee maker', 'a phone case', 'the running shoes', 'a winter coat', 'the office chair', 'a set of plates', 'the printer ink', 'a backpack', 'the garden hose', 'a kettle'],
  DEVICE: ['my phone', 'my laptop', 'my tablet', 'my Android phone', 'my iPhone', 'my work computer', 'my Mac', 'a Windows PC', 'my Chromebook'],
  FEATURE: ['the export button', 'the search bar', 'the dashboard', 'file upload', 'the calendar view', 'the reports page', 'the settings page', 'the editor', 'the checkout page', 'the mobile app'],
  ERROR: ['error 500', 'a timeout error', 'a "something went wrong" message', 'error code E[D][D]', 'a blank white page', 'a 404 page', 'a spinning wheel that never stops', 'a red warning banner'],
  PLAN: ['the premium plan', 'my annual plan', 'the family plan', 'my monthly subscription', 'the business plan', 'the pro plan'],
  CARD: ['my credit card', 'my debit card', 'my bank account', 'my PayPal account', 'my company card'],
  NAME: ['Anna', 'Ben', 'Carla', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kate', 'Luis', 'Mia', 'Noah', 'Olga', 'Priya', 'Omar', 'Sara', 'Tom', 'Yuki'],
  USER: ['[NAME][D][D]', '[NAME]_work', 'the_real_[NAME]'],
  OS: ['Windows 11', 'macOS', 'Ubuntu', 'my old Windows laptop', 'a company laptop'],
  TEAM: ['our team', 'the whole office', 'my department', 'our sales team', 'the warehouse staff'],
  AGENT: ['Alex', 'Sam', 'Robin', 'Jamie', 'Chris', 'Taylor', 'Morgan', 'Kim'],
};

/** Expands {a|b} alternatives and [SLOT] references with `rand`. */
export function expand(template, rand) {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{') {
      let depth = 0;
      let j = i;
      const alts = [];
      let start = i + 1;
      for (; j < template.length; j++) {
        if (template[j] === '{') depth++;
        else if (template[j] === '}') {
          depth--;
          if (depth === 0) break;
        } else if (template[j] === '|' && depth === 1) {
          alts.push(template.slice(start, j));
          start = j + 1;
        }
      }
      if (j >= template.length) throw new Error(`unbalanced braces in ${JSON.stringify(template)}`);
      alts.push(template.slice(start, j));
      out += expand(pick(rand, alts), rand);
      i = j + 1;
    } else if (ch === '[') {
      const j = template.indexOf(']', i);
      const name = template.slice(i + 1, j);
      if (!SLOTS[name]) throw new Error(`unknown slot [${name}] in ${JSON.stringify(template)}`);
      out += expand(pick(rand, SLOTS[name]), rand);
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** The problem a ticket is about, per category (lower case, no final full stop). */
export const PROBLEMS = {
  billing: [
    'I was {charged|billed} twice for [ORDER]',
    'my invoice shows the wrong amount',
    'a payment I did not make appears on my {bank statement|card statement}',
    'the refund {I was promised|for [ORDER]} never reached [CARD]',
    'my subscription renewed after I cancelled it',
    'the price went up without any notice',
    'I need a copy of my receipt for [ORDER]',
    'the discount code was not applied to my {bill|invoice|order}',
    'I paid but the order still says unpaid',
    'you took [AMOUNT] from [CARD] {twice|two times}',
    'I was charged for [PLAN] even though I {downgraded|cancelled} [WHEN]',
    'my statement lists a subscription I never signed up for',
    'my {invoice|bill} has a tax line that should not be there',
    'I would like a refund for [ORDER]',
    'the free trial turned into a paid plan without a reminder',
    'the total at checkout was higher than the price on the product page',
    'I cannot find where to download my invoices',
    'I got a payment reminder for a bill I already paid',
    'my payment keeps getting declined although [CARD] works everywhere else',
    'I was billed for {three|five|ten} seats but we only use one',
    'the amount on the receipt does not match what my bank took',
    'the company name on my invoice is wrong',
    'I want to switch from monthly to yearly billing',
    'the refund was only partial and [AMOUNT] is still missing',
    'a late fee was added to my account by mistake',
    'the gift card balance was not taken off my total',
    'I was overcharged by [AMOUNT] on my last invoice',
    'I was charged in dollars instead of euros',
    'the credit note you promised has not appeared on my bill',
    'my bank shows a pending charge of [AMOUNT] from you',
    'the refund went to an old card that is now closed',
    'please cancel the automatic renewal before I am billed again',
    'your invoice adds VAT twice',
    'the coupon was rejected at checkout although it is still valid',
    'I need the invoice made out to my company instead of to me',
    'the monthly fee doubled this month for no reason',
  ],
  shipping: [
    'my parcel has not arrived yet',
    'the tracking number {does not work|shows nothing}',
    'tracking says delivered but nothing came',
    'the box arrived {damaged|crushed|soaking wet}',
    'I got the wrong item in the package',
    'half of my order is missing from the box',
    'delivery was sent to my old address',
    'the courier left my package outside {in the rain|by the door|on the street}',
    'the delivery date keeps moving',
    '[ITEM] arrived broken',
    'my order has been stuck in customs for {a week|ten days}',
    'the parcel was returned to the warehouse',
    'I need to change the delivery address for [ORDER]',
    'the driver never rang the bell and took the parcel back',
    'I received someone else\'s package',
    'the package is marked as lost in transit',
    'express delivery took {six days|over a week}',
    'only one of the two boxes was delivered',
    'I would like to return [ITEM] but I have no return label',
    'the pickup point closed before my parcel arrived',
    'my order still says processing after {five days|two weeks}',
    'the parcel was left with a neighbour I do not know',
    'the tracking page has not updated since [WHEN]',
    '[ITEM] came in the wrong size',
    'the label on the box had the wrong name',
    'I missed the delivery and cannot book a new slot',
    'my return was picked up but the warehouse says it never arrived',
    'the box was opened before it reached me',
    'the delivery van went to the wrong street',
    'my order was split into three shipments and one is missing',
    'the delivery window passed without any news',
    'the package is sitting at the depot and nobody delivers it',
    'I paid for next day delivery and the parcel is still not here',
    'the parts inside the box were loose and scratched',
    'the courier says my address does not exist',
    'the parcel went to a locker on the other side of town',
  ],
  account: [
    'I cannot log in to my account',
    'I forgot my password and the reset email never comes',
    'someone changed my password without asking me',
    'I want to change the email on my account',
    'please delete my account and {all }my data',
    'the two factor code never arrives',
    'my account was locked after {three|too many} tries',
    'I want to merge two accounts',
    'I cannot update my phone number in the profile',
    'I lost the phone with my authenticator app',
    'my username shows someone else\'s name',
    'I think my account was hacked',
    'I need to add a colleague to our team account',
    'I want to remove an old user from our workspace',
    'the verification link in the sign up email has expired',
    'I signed up twice by mistake and now have two profiles',
    'I need to transfer ownership of the account to my manager',
    'the sign in page says my email is not registered',
    'I cannot change my display name',
    'I want to download a copy of my personal data',
    'my account was suspended and I do not know why',
    'single sign on with our company login stopped letting me in',
    'I no longer have access to the email address on my account',
    'the security questions I set are not accepted',
    'I keep getting signed out of my account every few minutes',
    'I want to close my account but keep my order history',
    'I got a login alert from a country I have never been to',
    'my new password is rejected as too weak every time',
    'I want to turn off two step verification',
    'the invite link for my team has stopped working',
    'my profile picture and bio disappeared from my account',
    'a former employee still has access to our account',
    'I need to reactivate the account I closed last year',
    'I changed my email and now I cannot sign in at all',
    'my profile shows the wrong country and I cannot change it',
    'I want a different person to be the admin of our account',
  ],
  technical: [
    'the app crashes when I open it',
    'the website shows an error page',
    'the search returns no results at all',
    'uploads stop at ninety percent',
    'the export button does nothing',
    'the screen goes blank after the update',
    'the page is very slow to load',
    'notifications stopped working on [DEVICE]',
    'sync fails with a timeout message',
    '[FEATURE] shows [ERROR]',
    'the app freezes whenever I switch tabs',
    'images do not load on the product pages',
    'the desktop app will not install on [OS]',
    'the chat window covers the whole screen on [DEVICE]',
    'reports download as empty files',
    'the calendar shows every event one hour late',
    'the API returns [ERROR] for every request',
    'the app drains my battery since the last update',
    'dark mode makes the text unreadable',
    'my changes are not kept when I press save',
    'the page keeps reloading in a loop',
    'the video player shows a black screen',
    'the integration with our calendar stopped syncing',
    'the mobile app says there is no connection although my internet works',
    'charts on the dashboard are empty since [WHEN]',
    'copy and paste does not work in the editor',
    'the import tool rejects my spreadsheet with [ERROR]',
    'buttons overlap on small screens',
    'the app uses all the memory on my laptop',
    'push notifications arrive twice',
    'the webhook stopped firing after your maintenance',
    'the print view cuts off the last column',
    'the app cannot open files larger than ten megabytes',
    'the map does not load in the browser',
    'the keyboard shortcuts stopped working after the update',
    'the nightly backup job fails with [ERROR]',
  ],
};

/** Sentences that frame the problem ("%P" is the problem). */
export const FRAMES = [
  '%P.',
  'I am writing because %P.',
  'It seems that %P.',
  '%P, can you help?',
  'Since [SINCE] %P.',
  'Quick question: %P.',
  'I noticed that %P.',
  'I have a problem: %P.',
  'Just so you know, %P.',
  'For some reason %P.',
  'I hope you can help. %P.',
  'Unfortunately %P.',
];

/** A second sentence with detail, per category. */
export const DETAILS = {
  billing: [
    'The amount was [AMOUNT].',
    'I paid with [CARD].',
    'I checked my bank statement this morning.',
    'The invoice number is INV-[D][D][D][D].',
    'I have attached a screenshot of the charge.',
    'This also happened [WHEN].',
    'My account is under the name [NAME].',
    'I already asked my bank about it.',
    'I have been a paying customer for years.',
    'The payment went through on [WHEN].',
    'It shows up as two separate lines.',
    'Our accountant noticed it first.',
  ],
  shipping: [
    'The order number is [NUM].',
    'I ordered [ITEM] [WHEN].',
    'The tracking page still shows the same status.',
    'I was at home all day.',
    'The box had a big dent on one side.',
    'My neighbours have not seen it either.',
    'It was meant to be a birthday present.',
    'The estimated date was [WHEN].',
    'I live on the third floor and the bell works.',
    'The courier\'s website says nothing useful.',
    'I have photos of the box.',
    'My address has not changed in years.',
  ],
  account: [
    'My username is [USER].',
    'I tried on [DEVICE] and in the browser.',
    'I have cleared my cookies already.',
    'I use the same email for work.',
    'The error says my details are not valid.',
    'I have checked my spam folder.',
    'This started [WHEN].',
    'I am the owner of the workspace.',
    'I still remember my old password.',
    'I have had this account for years.',
    'I tried the reset three times.',
    'My colleague has the same problem.',
  ],
  technical: [
    'I am using [DEVICE].',
    'I already restarted the app.',
    'Another browser gives the same result.',
    'It started after the update [WHEN].',
    'The error code is E[D][D][D].',
    'Other people on my team see the same thing.',
    'I reinstalled it but nothing changed.',
    'It worked fine until [WHEN].',
    'My internet connection is fine.',
    'I can send you the log file.',
    'It happens every single time.',
    'I am on the latest version.',
  ],
};

/** How urgent the customer says it is, per priority. */
export const URGENCY = {
  high: [
    'This is urgent.',
    'Please help right away.',
    'Please treat this as an emergency.',
    'I need this fixed today.',
    'It blocks [TEAM].',
    'We lose money every hour this goes on.',
    'Our customers are affected right now.',
    'I have a deadline in two hours.',
    'Nobody can work until this is solved.',
    'This is critical for us.',
    'Please escalate this immediately.',
    'I need an answer within the hour.',
    'We cannot take any orders while this is broken.',
    'Our launch is tomorrow morning and this must work.',
    'This is stopping our business.',
    'Every minute counts here.',
    'Please call me as soon as possible.',
    'It is an emergency for [TEAM].',
  ],
  medium: [
    'Can you look into it?',
    'Please check what happened.',
    'Could someone take a look this week?',
    'Let me know what to do.',
    'I would like this sorted out.',
    'What are my options?',
    'I would appreciate a reply in the next few days.',
    'Please get back to me when you can.',
    'Could you tell me the next steps?',
    'It is annoying but I can work around it for now.',
    'I hope you can help with this.',
    'Please advise.',
    'Could you confirm what went wrong?',
    'I would like an update soon.',
    'It is not blocking me, but it needs fixing.',
    'Please sort this out in the coming days.',
    'Can you help me with this?',
    'A reply this week would be great.',
  ],
  low: [
    'No rush, whenever you have time.',
    'Just wanted to let you know.',
    'Only a small thing, take your time.',
    'It is not urgent at all.',
    'Any time next week is fine.',
    'Low priority, just curious.',
    'No hurry on this one.',
    'Whenever it suits you.',
    'There is no deadline on this.',
    'It is a minor issue.',
    'Just a heads up, nothing serious.',
    'Feel free to handle it later.',
    'It can wait until next month.',
    'Not important, I am only mentioning it.',
    'Answer whenever you get a chance.',
    'It does not affect my work.',
    'No need to reply quickly.',
    'It is only cosmetic, really.',
  ],
};

export const OPENERS = [
  'Hello,',
  'Hi team,',
  'Dear support,',
  'Hi,',
  'Good morning,',
  'Hey there,',
  'Greetings,',
  'Hi support team,',
  'Good afternoon,',
  '',
  'Hello there,',
  'To whom it may concern,',
];

export const CLOSERS = ['Thanks.', 'Thank you.', 'Best regards, [NAME]', 'Thanks in advance.', 'Cheers, [NAME]', 'Kind regards.', 'Many thanks, [NAME]', 'Regards, [NAME]', 'Thanks for your help.'];

/** The train or held-out side of a list of phrasings (every third item, from the third, is held out). */
export function side(list, which) {
  return list.filter((_, i) => (which === 'heldout' ? i % 3 === 2 : i % 3 !== 2));
}

/** One customer ticket (its text), from the phrasings of `which` side ('train', 'heldout' or 'all'). */
export function ticket(rand, category, priority, which = 'all') {
  const S = (list) => (which === 'all' ? list : side(list, which));
  const problem = expand(pick(rand, S(PROBLEMS[category])), rand);
  const frame = expand(pick(rand, S(FRAMES)), rand);
  const body = frame.replace('%P', problem);
  const parts = [];
  const opener = pick(rand, S(OPENERS));
  if (opener) parts.push(opener);
  const urgency = expand(pick(rand, S(URGENCY[priority])), rand);
  const urgentFirst = rand() < 0.15;
  if (urgentFirst) parts.push(urgency);
  parts.push(body[0].toUpperCase() + body.slice(1));
  if (rand() < 0.5) parts.push(expand(pick(rand, S(DETAILS[category])), rand));
  if (!urgentFirst) parts.push(urgency);
  if (rand() < 0.35) parts.push(expand(pick(rand, S(CLOSERS)), rand));
  return sentenceCase(parts.join(' '));
}

/** Capital letters at the start and after a full stop, question or exclamation mark. */
export function sentenceCase(s) {
  return s.replace(/(^|[.!?] )([a-z])/g, (_, a, b) => a + b.toUpperCase());
}
