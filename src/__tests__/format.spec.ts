import {
  mlflowArtifactUrl,
  newestFirst,
  sentence,
  shortFingerprint,
  shortId,
  shortIdentity,
  splitArtifactRef
} from '../format';
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

describe('mlflowArtifactUrl', () => {
  it("points at the run's Artifacts tab, each path segment encoded", () => {
    expect(mlflowArtifactUrl('http://m:5000/', 'r1', 'explanations/a b', '3')).toBe(
      'http://m:5000/#/experiments/3/runs/r1/artifacts/explanations/a%20b'
    );
  });

  it('never climbs out of the artifact root and needs a usable base URL', () => {
    expect(mlflowArtifactUrl('http://m', 'r1', '../../x/./y', '3')).toBe(
      'http://m/#/experiments/3/runs/r1/artifacts/x/y'
    );
    expect(mlflowArtifactUrl('http://m', 'r1', '', '3')).toBe('http://m/#/experiments/3/runs/r1');
    expect(mlflowArtifactUrl('file:///etc', 'r1', 'x', '3')).toBeNull();
    expect(mlflowArtifactUrl('http://m', 'r1', 'x')).toBe('http://m/#/runs/r1');
  });

  it('splits an artifact ref at the first slash', () => {
    expect(splitArtifactRef('r1/explanations/ab')).toEqual({ runId: 'r1', path: 'explanations/ab' });
    expect(splitArtifactRef('r1')).toEqual({ runId: 'r1', path: '' });
  });
});
