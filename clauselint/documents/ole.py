"""The stream names inside an OLE compound file (CFB), to say precisely what a non-DOCX Office file is.

A password-protected DOCX, a Word 97-2003 .doc, an Excel or PowerPoint file and an Outlook
e-mail are all OLE compound files (MS-CFB); their stream names tell them apart. Only the
directory is read, never a stream, and every step is bounded: a hostile file with sector chains
that loop or point outside the file gives back what could be read, never a hang or an exception.
"""

from __future__ import annotations

import struct

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_END_OF_CHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA  # larger values are markers (free, end of chain, FAT or DIFAT sector)
_HEADER_DIFAT = 109
_ENTRY_SIZE = 128
_MAX_DIRECTORY_SECTORS = 4096  # 16,000+ directory entries at 512 bytes a sector: far more than any real file
_MAX_DIFAT_SECTORS = 1024


def stream_names(data: bytes) -> frozenset[str] | None:
    """The names of all storages and streams in the compound file, or None when it is not one."""
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        return None
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    fat_sectors = _fat_sector_numbers(data, size)
    first_directory = struct.unpack_from("<I", data, 0x30)[0]
    names: set[str] = set()
    for sector in _chain(data, size, fat_sectors, first_directory, _MAX_DIRECTORY_SECTORS):
        start = (sector + 1) * size
        for offset in range(start, min(start + size, len(data)) - _ENTRY_SIZE + 1, _ENTRY_SIZE):
            length = struct.unpack_from("<H", data, offset + 64)[0]
            kind = data[offset + 66]
            if kind in (1, 2, 5) and 2 <= length <= 64 and length % 2 == 0:
                names.add(data[offset: offset + length - 2].decode("utf-16-le", "replace"))
    return frozenset(names)


def _fat_sector_numbers(data: bytes, size: int) -> list[int]:
    """Where the FAT's sectors are: the header's first 109, then the DIFAT sector chain."""
    numbers = list(struct.unpack_from("<109I", data, 0x4C))
    difat = struct.unpack_from("<I", data, 0x44)[0]
    seen: set[int] = set()
    per_sector = size // 4 - 1  # the last entry of a DIFAT sector points to the next one
    while difat <= _MAX_SECTOR and difat not in seen and len(seen) < _MAX_DIFAT_SECTORS:
        seen.add(difat)
        start = (difat + 1) * size
        if start + size > len(data):
            break
        entries = struct.unpack_from(f"<{per_sector + 1}I", data, start)
        numbers.extend(entries[:per_sector])
        difat = entries[per_sector]
    return [n for n in numbers if n <= _MAX_SECTOR]


def _chain(data: bytes, size: int, fat_sectors: list[int], first: int, limit: int) -> list[int]:
    """The sectors of a chain from `first`, stopping at its end, a loop, the file's end or `limit`."""
    out: list[int] = []
    seen: set[int] = set()
    per_fat_sector = size // 4
    sector = first
    while sector <= _MAX_SECTOR and sector not in seen and len(out) < limit:
        if (sector + 1) * size >= len(data):  # the sector starts beyond the end of the file
            break
        seen.add(sector)
        out.append(sector)
        index, slot = divmod(sector, per_fat_sector)
        if index >= len(fat_sectors):
            break
        where = (fat_sectors[index] + 1) * size + slot * 4
        if where + 4 > len(data):
            break
        sector = struct.unpack_from("<I", data, where)[0]
        if sector == _END_OF_CHAIN:
            break
    return out
