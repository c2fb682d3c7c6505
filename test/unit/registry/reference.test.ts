import { describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { isLoopback, manifestReference, parseReference } from '../../../src/registry/reference.js';

describe('parseReference', () => {
  it.each([
    ['127.0.0.1:5000/tsdib/debian:test', { registry: '127.0.0.1:5000', repository: 'tsdib/debian', tag: 'test', baseUrl: 'http://127.0.0.1:5000' }],
    ['localhost:5000/img', { registry: 'localhost:5000', repository: 'img', tag: 'latest', baseUrl: 'http://localhost:5000' }],
    ['[::1]:5000/a/b', { registry: '[::1]:5000', repository: 'a/b', tag: 'latest', baseUrl: 'http://[::1]:5000' }],
    ['ghcr.io/me/img:v1.2', { registry: 'ghcr.io', repository: 'me/img', tag: 'v1.2', baseUrl: 'https://ghcr.io' }],
    ['registry.example:443/me/img', { registry: 'registry.example:443', repository: 'me/img', tag: 'latest', baseUrl: 'https://registry.example:443' }],
    ['debian', { registry: 'docker.io', repository: 'library/debian', tag: 'latest', baseUrl: 'https://registry-1.docker.io' }],
    ['me/img:1', { registry: 'docker.io', repository: 'me/img', tag: '1', baseUrl: 'https://registry-1.docker.io' }],
  ])('reads %s (plain HTTP only for loopback)', (text, expected) => {
    expect(parseReference(text, '--push')).toEqual({ ...expected, text });
  });

  it('keeps a digest and asks for the manifest by it', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const ref = parseReference(`127.0.0.1:5000/x@${digest}`, '--push');
    expect(ref.digest).toBe(digest);
    expect(ref.tag).toBeUndefined();
    expect(manifestReference(ref)).toBe(digest);
  });

  it.each([
    ['127.0.0.1:5000/Tsdib/x', 'not a valid repository name'],
    ['127.0.0.1:5000/x:bad tag', 'not a valid tag'],
    ['127.0.0.1:5000/x@sha256:abc', 'not a sha256 digest'],
  ])('refuses %s with FLAG_INVALID naming the flag', (text, fragment) => {
    let err: unknown;
    try {
      parseReference(text, '--push');
    } catch (e) {
      err = e;
    }
    expect(isTsdibError(err) && err.code).toBe('FLAG_INVALID');
    expect(isTsdibError(err) && err.context).toMatchObject({ flag: '--push', value: text, problem: expect.stringContaining(fragment) });
  });

  it('treats 127.0.0.0/8, localhost and ::1 as loopback, nothing else', () => {
    expect(['127.0.0.1', '127.9.8.7', 'localhost', '::1', '[::1]'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['10.0.0.1', '128.0.0.1', 'localhost.example', '192.168.1.1'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});
