// Where each kind of file SessionLens reads comes from: one entry per source, with the menu
// steps in the platform's own words (menu names between *asterisks*) and what to watch for.
// Written from the platforms' public help pages; menus move, so the steps name what to look
// for rather than where on the screen it sits. Rendered by ./file-help.ts.

export interface FileSource {
  /** Stable, for element ids and tests. */
  id: string;
  /** The platform and the file, as a marketer would name them. */
  title: string;
  /** What the file gives SessionLens, in one sentence. */
  gives: string;
  /** The steps in order; `*Menu name*` marks what to click. */
  steps: string[];
  /** What to watch for. */
  notes: string[];
}

export const FILE_SOURCES: FileSource[] = [
  {
    id: 'google-ads-campaigns',
    title: 'Google Ads: campaign report',
    gives: 'Clicks, impressions and cost per campaign, per day or in total over the report’s dates, to compare with the visits they brought.',
    steps: [
      'Sign in to Google Ads and open *Campaigns* in the menu on the left.',
      'Choose the date range at the top right: the same days as your traffic data.',
      'To compare day by day: above the table, click *Segment*, then *Time* → *Day*. Each campaign now has one row per day.',
      'Click *Download* (the arrow above the table) and choose *.csv*, *Excel .csv* or *.xlsx*.',
    ],
    notes: [
      'The Day segment is optional. Without it the file holds one total per campaign over the date range written above the table: it imports as totals, and clicks and sessions are compared over those days as a whole instead of day by day.',
      'Keep auto-tagging on (*Admin* → *Account settings* → *Auto-tagging*). It adds a click id (gclid) to every ad click, which is how visits in your traffic data are recognised as Google Ads clicks.',
    ],
  },
  {
    id: 'google-ads-clicks',
    title: 'Google Ads: click performance report',
    gives: 'One row per ad click with its Google click id (GCLID), so clicks and visits can be matched one by one instead of by daily totals.',
    steps: [
      'In Google Ads, open *Reports*, then *Predefined reports (Dimensions)* → *Other* → *Click performance*.',
      'Set the date range to a single day: this report covers one day at a time.',
      'Download it as *.csv*. Repeat for each day you need, and import all the files together.',
    ],
    notes: [
      'Google keeps click details for recent days only (about the last 90): download them before they are gone.',
      'Click ids only appear when auto-tagging is on.',
    ],
  },
  {
    id: 'ga4-traffic-acquisition',
    title: 'Google Analytics 4: traffic acquisition',
    gives: 'GA4’s own count of sessions per campaign. With your Google Ads report, the Discrepancy view compares clicks with these sessions campaign by campaign, when the project holds no traffic data of its own.',
    steps: [
      'In Google Analytics, open *Reports* → *Acquisition* → *Traffic acquisition*.',
      'Choose the date range at the top right.',
      'Above the table, change the first column (*Session primary channel group* or *Session default channel group*) to *Session campaign*.',
      'Click *Share this report* (top right) → *Download File* → *Download CSV*.',
    ],
    notes: [
      'It imports as GA4’s reported sessions: one total per campaign over the report’s dates, which the lines at the top of the file state (keep them). A report with a *Date* column imports day by day.',
      'It holds totals, not visits, so it shows which campaigns are off but not why. To see the causes (lost tags, repeat clicks, bots), import GA4 data visit by visit from the GA4 BigQuery export (the events_ tables) or your server’s access log.',
    ],
  },
  {
    id: 'meta-ads',
    title: 'Meta (Facebook, Instagram): Ads Manager export',
    gives: 'Link clicks, impressions and amount spent per campaign, ad set or ad, per day or in total over the report’s dates.',
    steps: [
      'Open *Ads Manager* and choose the date range at the top right.',
      'To compare day by day, click *Breakdown* → *By time* → *Day*.',
      'Check that the columns include *Link clicks* (choose *Columns* → *Performance and clicks* if they do not).',
      'Click *Reports* (or *Export*) → *Export table data*, choose *.csv* or *.xlsx*, then *Export*.',
    ],
    notes: [
      'Without the Day breakdown each row holds the totals from *Reporting starts* to *Reporting ends*: it imports as totals over those days.',
      'SessionLens counts link clicks only. *Clicks (all)* also counts likes, comments and shares that never reach your site.',
    ],
  },
  {
    id: 'microsoft-ads',
    title: 'Microsoft Advertising: campaign report',
    gives: 'Clicks, impressions and spend per campaign and day, in the account’s time zone.',
    steps: [
      'In Microsoft Advertising, open *Reports* and choose the *Campaign* report.',
      'Under *Time*, set the unit to *Day* and choose the date range.',
      'Click *Download* and choose *CSV*.',
    ],
    notes: [
      'Leave the lines above the table as they are, *Time zone* among them: SessionLens reads the account’s time zone from that line, so each day lands on the right date.',
    ],
  },
  {
    id: 'access-logs',
    title: 'Web server access logs (nginx, Apache)',
    gives: 'Every request to your site, including visitors who block analytics tags.',
    steps: [
      'nginx usually writes */var/log/nginx/access.log*; older days are in access.log.1, access.log.2.gz and so on.',
      'Apache writes */var/log/apache2/access.log* (Debian, Ubuntu) or */var/log/httpd/access_log* (Red Hat, CentOS, Fedora).',
      'On shared hosting or a managed platform, ask your host or developer for “the raw access logs” for the days you need. Hosting control panels often offer them as a download (in cPanel: *Metrics* → *Raw Access*).',
    ],
    notes: [
      'Compressed files (.gz, .bz2) can be imported as they are.',
      'Servers delete old logs after a while: ask for them soon.',
    ],
  },
];
