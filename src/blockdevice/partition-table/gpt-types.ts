/**
 * GPT partition type GUIDs by their sgdisk short codes (the codes DIB configs use: `type: 'EF00'`).
 * A config may also give a full type GUID. The table is checked against sgdisk itself in
 * test/unit/blockdevice/partition-table/gpt-types.test.ts.
 */

export interface GptTypeCode {
  guid: string;
  description: string;
}

/** sgdisk short code (upper-case hex) → type GUID (canonical upper-case text form). */
export const GPT_TYPE_CODES: Readonly<Record<string, GptTypeCode>> = {
  '0700': { guid: 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7', description: 'Microsoft basic data' },
  '0C01': { guid: 'E3C9E316-0B5C-4DB8-817D-F92DF00215AE', description: 'Microsoft reserved' },
  '2700': { guid: 'DE94BBA4-06D1-4D40-A16A-BFD50179D6AC', description: 'Windows recovery environment' },
  '4100': { guid: '9E1A2D38-C612-4316-AA26-8B49521E5A8B', description: 'PowerPC PReP boot' },
  '8200': { guid: '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F', description: 'Linux swap' },
  '8300': { guid: '0FC63DAF-8483-4772-8E79-3D69D8477DE4', description: 'Linux filesystem' },
  '8301': { guid: '8DA63339-0007-60C0-C436-083AC8230908', description: 'Linux reserved' },
  '8302': { guid: '933AC7E1-2EB4-4F13-B844-0E14E2AEF915', description: 'Linux /home' },
  '8303': { guid: '44479540-F297-41B2-9AF7-D131D5F0458A', description: 'Linux x86 root (/)' },
  '8304': { guid: '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709', description: 'Linux x86-64 root (/)' },
  '8305': { guid: 'B921B045-1DF0-41C3-AF44-4C6F280D3FAE', description: 'Linux ARM64 root (/)' },
  '8306': { guid: '3B8F8425-20E0-4F3B-907F-1A25A76F98E8', description: 'Linux /srv' },
  '8307': { guid: '69DAD710-2CE4-4E3C-B16C-21A1D49ABED3', description: 'Linux ARM32 root (/)' },
  '8308': { guid: '7FFEC5C9-2D00-49B7-8941-3EA10A5586B7', description: 'Linux dm-crypt' },
  '8309': { guid: 'CA7D7CCB-63ED-4C53-861C-1742536059CC', description: 'Linux LUKS' },
  '8310': { guid: '4D21B016-B534-45C2-A9FB-5C16E091FD2D', description: 'Linux /var' },
  '8311': { guid: '7EC6F557-3BC5-4ACA-B293-16EF5DF639D1', description: 'Linux /var/tmp' },
  '8E00': { guid: 'E6D6D379-F507-44C2-A23C-238F2A3DF928', description: 'Linux LVM' },
  A501: { guid: '83BD6B9D-7F41-11DC-BE0B-001560B84F0F', description: 'FreeBSD boot' },
  A502: { guid: '516E7CB5-6ECF-11D6-8FF8-00022D09712B', description: 'FreeBSD swap' },
  A503: { guid: '516E7CB6-6ECF-11D6-8FF8-00022D09712B', description: 'FreeBSD UFS' },
  A504: { guid: '516E7CBA-6ECF-11D6-8FF8-00022D09712B', description: 'FreeBSD ZFS' },
  AF00: { guid: '48465300-0000-11AA-AA11-00306543ECAC', description: 'Apple HFS/HFS+' },
  BF00: { guid: '6A85CF4D-1DD2-11B2-99A6-080020736631', description: 'Solaris root' },
  BF01: { guid: '6A898CC3-1DD2-11B2-99A6-080020736631', description: 'Solaris /usr & Mac ZFS (ZFS pools)' },
  BF07: { guid: '6A945A3B-1DD2-11B2-99A6-080020736631', description: 'Solaris reserved 1' },
  EA00: { guid: 'BC13C2FF-59E6-4262-A352-B275FD6F7172', description: 'XBOOTLDR (extended boot loader)' },
  EF00: { guid: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', description: 'EFI system partition' },
  EF01: { guid: '024DEE41-33E7-11D3-9D69-0008C781F39F', description: 'MBR partition scheme' },
  EF02: { guid: '21686148-6449-6E6F-744E-656564454649', description: 'BIOS boot partition' },
  FD00: { guid: 'A19D880F-05FC-4D3B-A006-743F0F84911E', description: 'Linux RAID' },
};

/** The type DIB uses when a GPT partition names none. */
export const GPT_DEFAULT_TYPE_CODE = '8300';

const GUID_RE = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * The type GUID for an sgdisk code (`'ef00'`, `'EF00'`, `'0xEF00'`) or a full GUID; undefined when
 * the text is neither a known code nor a GUID (the caller reports it with its context).
 */
export function resolveGptType(text: string): string | undefined {
  const t = text.trim();
  if (GUID_RE.test(t)) return t.toUpperCase() === ZERO_GUID ? undefined : t.toUpperCase();
  const code = t.replace(/^0x/i, '').toUpperCase();
  return GPT_TYPE_CODES[code]?.guid;
}

/** What is wrong with a GPT type text, or undefined when it names a type. */
export function gptTypeProblem(text: string): string | undefined {
  return resolveGptType(text) === undefined
    ? `GPT type "${text}" is neither a known sgdisk code (such as 8300, EF00, EF02) nor a type GUID`
    : undefined;
}
