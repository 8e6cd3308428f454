import { newestFirst, sentence, shortFingerprint, shortId, shortIdentity } from '../format';
import { decision } from './fixtures';

describe('format', () => {
  it('shortens fingerprints to 12 hex characters after sha256:', () => {
    expect(shortFingerprint('sha256:' + '0123456789abcdef'.repeat(4))).toBe('0123456789ab');
    expect(shortFingerprint(null)).toBeNull();
  });

  it('shortens ids to 12 characters', () => {
    expect(shortId({ id: 'c'.repeat(64), short_id: '' })).toBe('cccccccccccc');
  });

  it('sorts newest first, unreadable times last, ties in server order', () => {
    const a = decision({ title: 'a', time: '2026-01-01T00:00:00.000001Z' });
    const b = decision({ title: 'b', time: 'not a time' });
    const c = decision({ title: 'c', time: '2026-03-01T00:00:00Z' });
    const d = decision({ title: 'd', time: '2026-03-01T00:00:00Z' });
    expect(newestFirst([a, b, c, d]).map(x => x.title)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('turns a hint into a sentence', () => {
    expect(sentence('save the notebook first')).toBe('Save the notebook first.');
    expect(sentence('Done!')).toBe('Done!');
    expect(sentence('')).toBe('');
  });
});

describe('shortIdentity', () => {
  it('shows Name <email> as the name, anything else as it is', () => {
    expect(shortIdentity('Ada Lovelace <ada@example.com>')).toBe('Ada Lovelace');
    expect(shortIdentity('rchen')).toBe('rchen');
    expect(shortIdentity('<ada@example.com>')).toBe('<ada@example.com>');
    expect(shortIdentity('a <b> <c>')).toBe('a <b> <c>');
  });
});
