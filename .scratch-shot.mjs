import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--disable-quic','--no-first-run'] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(process.argv[2]);
await page.waitForTimeout(1500);
console.log(page.url());
if (process.argv[4]) { await page.fill('input[type=password]', process.argv[4]); await page.click('button[type=submit]'); await page.waitForTimeout(1500); console.log(page.url()); }
await page.screenshot({ path: process.argv[3], fullPage: true });
await browser.close();
