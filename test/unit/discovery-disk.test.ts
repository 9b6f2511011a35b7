// The install disk from storage subsystems: device class from the controller, boot volumes first,
// unconfigured, removable and small devices never, and the reasoning stated.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {suggestDisk, type StorageInfo} from '../../source/discovery/disk.js';

const TB = 1e12;
const GB = 1e9;

test('NVMe drives in a RAID volume of a tri-mode controller are a SCSI disk (HPE MR416i-o)', () => {
  const s: StorageInfo = {
    id: 'DE00A000',
    name: 'HPE MR416i-o Gen11',
    controllers: [
      {
        model: 'HPE MR416i-o Gen11',
        protocols: ['NVMe', 'SAS', 'SATA'],
        raidTypes: ['None', 'RAID0', 'RAID1', 'RAID10'],
      },
    ],
    drives: [
      {path: '/d/0', name: 'NVMe 960GB', protocol: 'NVMe', capacityBytes: 960 * GB, state: 'Enabled'},
      {path: '/d/1', name: 'NVMe 960GB', protocol: 'NVMe', capacityBytes: 960 * GB, state: 'Enabled'},
    ],
    volumes: [{id: '1', name: 'Logical Drive 1', raidType: 'RAID1', capacityBytes: 959 * GB, drives: ['/d/0', '/d/1']}],
  };
  const c = suggestDisk([s]);
  assert.equal(c.disk?.device, '/dev/sda');
  assert.equal(c.disk?.deviceClass, 'scsi');
  assert.equal(c.disk?.volume?.name, 'Logical Drive 1');
  assert.match(c.reason, /RAID controller HPE MR416i-o Gen11: Linux names it \/dev\/sdX/);
});

test('Dell BOSS-N1: M.2 drives reported as Protocol PCIe become an NVMe device, and win over data drives', () => {
  const boss: StorageInfo = {
    id: 'AHCI.SL.6-1',
    name: 'BOSS-N1 Monolithic',
    controllers: [{name: 'BOSS-N1 Monolithic', protocols: ['PCIe'], raidTypes: ['RAID1']}],
    drives: [
      {path: '/b/0', name: 'SSD 0', protocol: 'PCIe', mediaType: 'SSD', capacityBytes: 480 * GB, state: 'Enabled'},
      {path: '/b/1', name: 'SSD 1', protocol: 'PCIe', mediaType: 'SSD', capacityBytes: 480 * GB, state: 'Enabled'},
    ],
    volumes: [
      {id: 'Disk.Virtual.0', name: 'NVMe RAID1', raidType: 'RAID1', capacityBytes: 479 * GB, drives: ['/b/0', '/b/1']},
    ],
  };
  const data: StorageInfo = {
    id: 'CPU.1',
    name: 'CPU.1',
    controllers: [{name: 'CPU.1', protocols: ['NVMe'], raidTypes: []}],
    drives: Array.from({length: 8}, (_, i) => ({
      path: `/n/${i}`,
      name: `NVMe ${i}`,
      protocol: 'NVMe',
      capacityBytes: 3.84 * TB,
      state: 'Enabled',
    })),
    volumes: [],
  };
  const c = suggestDisk([data, boss]);
  assert.equal(c.disk?.device, '/dev/nvme0n1');
  assert.equal(c.disk?.volume?.id, 'Disk.Virtual.0');
  assert.match(c.reason, /boot controller volume NVMe RAID1 .* on boot controller BOSS-N1/);
  assert.match(c.reason, /8 more NVMe devices may take \/dev\/nvme0n1 first/);
});

test('a controller past the eighth is still read: the boot controller of a ten-drive HPE Gen12 wins', () => {
  const nvme = Array.from({length: 10}, (_, i): StorageInfo => ({
    id: `DA00000${i}`,
    name: 'NVMe Storage System',
    controllers: [{model: 'MV003200LXUJK', protocols: ['NVMe'], raidTypes: []}],
    drives: [{path: `/x/${i}`, name: '3.2TB NVMe', protocol: 'NVMe', capacityBytes: 3.2 * TB, state: 'Enabled'}],
    volumes: [],
  }));
  const ns204: StorageInfo = {
    id: 'DE010000',
    name: 'HPE NS204i-u Gen11 Boot Controller',
    controllers: [{model: 'HPE NS204i-u Gen11 Boot Controller', protocols: ['NVMe'], raidTypes: ['RAID1']}],
    drives: [
      {path: '/y/1', protocol: 'NVMe', capacityBytes: 480 * GB, state: 'Enabled'},
      {path: '/y/2', protocol: 'NVMe', capacityBytes: 480 * GB, state: 'Enabled'},
    ],
    volumes: [{id: '1', name: 'NS Volume 1', raidType: 'RAID1', capacityBytes: 480 * GB, drives: ['/y/1', '/y/2']}],
  };
  const c = suggestDisk([...nvme, ns204]);
  assert.equal(c.disk?.volume?.name, 'NS Volume 1');
  assert.equal(c.disk?.device, '/dev/nvme0n1');
});

test('unconfigured, removable, USB, SD and small devices are never proposed, and the reason says so', () => {
  const s: StorageInfo = {
    id: '1',
    name: 'Local',
    controllers: [{protocols: ['SATA', 'USB'], raidTypes: []}],
    drives: [
      {name: 'SAS SSD', protocol: 'SAS', capacityBytes: 1.6 * TB, state: 'StandbyOffline'},
      {name: 'Internal Dual SD Module', capacityBytes: 64 * GB, state: 'Enabled'},
      {name: 'USB stick', protocol: 'USB', capacityBytes: 128 * GB, state: 'Enabled'},
      {name: 'tiny', protocol: 'SATA', capacityBytes: 16 * GB, state: 'Enabled'},
      {name: 'hot-swap', protocol: 'SATA', capacityBytes: 500 * GB, removable: true},
    ],
    volumes: [],
  };
  const c = suggestDisk([s]);
  assert.equal(c.disk, null);
  assert.match(c.reason, /SAS SSD is unconfigured \(StandbyOffline\)/);
  assert.match(c.reason, /Internal Dual SD Module is USB or SD media/);
  assert.match(c.reason, /USB stick is USB/);
  assert.match(c.reason, /tiny is only 16 GB/);
  assert.match(c.reason, /hot-swap is removable/);
  assert.match(c.reason, /enter the device by hand/);
  // With one good drive beside them, that one is chosen and the others are named as not used.
  const ok = suggestDisk([
    {...s, drives: [...s.drives, {name: 'SATA SSD', protocol: 'SATA', capacityBytes: 240 * GB, state: 'Enabled'}]},
  ]);
  assert.equal(ok.disk?.device, '/dev/sda');
  assert.match(ok.reason, /not used: .*StandbyOffline/);
});

test('a RAID1 volume named for the OS wins over a bigger RAID0 data volume and loose drives', () => {
  const s: StorageInfo = {
    id: 'RAID.Integrated.1-1',
    name: 'PERC H755 Front',
    controllers: [{name: 'PERC H755 Front', protocols: ['SAS', 'SATA'], raidTypes: ['RAID0', 'RAID1', 'RAID5']}],
    drives: [
      {path: '/a', protocol: 'SAS', capacityBytes: 2 * TB, state: 'Enabled'},
      {path: '/b', protocol: 'SAS', capacityBytes: 2 * TB, state: 'Enabled'},
      {path: '/c', protocol: 'SAS', capacityBytes: 240 * GB, state: 'Enabled'},
      {path: '/d', protocol: 'SAS', capacityBytes: 240 * GB, state: 'Enabled'},
      {path: '/e', protocol: 'SATA', capacityBytes: 100 * GB, state: 'Enabled'},
    ],
    volumes: [
      {id: 'v0', name: 'data', raidType: 'RAID0', capacityBytes: 4 * TB, drives: ['/a', '/b']},
      {id: 'v1', name: 'os', raidType: 'RAID1', capacityBytes: 240 * GB, drives: ['/c', '/d']},
    ],
  };
  const c = suggestDisk([s]);
  assert.equal(c.disk?.volume?.id, 'v1');
  assert.equal(c.disk?.device, '/dev/sda');
  assert.match(c.reason, /^boot volume os \(RAID1, 240 GB\) on RAID controller/);
});

test('direct NVMe without RAID is /dev/nvme0n1; a disabled volume is skipped', () => {
  const s: StorageInfo = {
    id: 'nvme',
    controllers: [{protocols: ['NVMe'], raidTypes: []}],
    drives: [{path: '/n', name: 'PM9A3', protocol: 'NVMe', capacityBytes: 960 * GB, state: 'Enabled'}],
    volumes: [],
  };
  assert.equal(suggestDisk([s]).disk?.device, '/dev/nvme0n1');
  const r: StorageInfo = {
    id: 'r',
    name: 'RAID',
    controllers: [{protocols: ['SAS'], raidTypes: ['RAID1']}],
    drives: [],
    volumes: [{id: 'x', name: 'old', raidType: 'RAID1', capacityBytes: 500 * GB, state: 'Disabled', drives: []}],
  };
  const c = suggestDisk([r]);
  assert.equal(c.disk, null);
  assert.match(c.reason, /volume old is Disabled/);
});
