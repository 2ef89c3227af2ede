import { describe, expect, it } from '@jest/globals';
import { hostname } from 'node:os';
import { currentProcessOwner, ownerStatus } from '../../src/common/process-owner.js';

describe('ownerStatus', () => {
  it('knows this process, and an earlier process that had the same pid (a restarted container) as gone', () => {
    expect(ownerStatus(currentProcessOwner())).toBe('alive');
    const [host, pid, boot] = currentProcessOwner().split(':');
    expect(ownerStatus(`${host}:${pid}:${boot}:0badcafe`)).toBe('gone');
    expect(ownerStatus(`${host}:${pid}:${boot}`)).toBe('gone');
  });

  it('tells a dead pid of this host from another host it cannot check', () => {
    expect(ownerStatus(`${hostname()}:2147483646:`)).toBe('gone');
    expect(ownerStatus('some-other-host:1:boot')).toBe('unknown');
    expect(ownerStatus(null)).toBe('unknown');
  });
});
