#!/usr/bin/env python3
"""Deterministic generator of realistic Vietnamese news articles that cite Party and state documents.

Why it exists: the sample corpus in ``data/`` is five articles (~50 KB).  Throughput, memory and
scaling of the extractor and of ``graphbuild build`` can only be measured on corpora of tens of
megabytes to many gigabytes, and recall can only be checked when we know exactly which references
were put into the text.  This module writes such corpora (any size, streaming, flat memory) plus a
ground-truth sidecar ``OUT.truth.jsonl`` beside the corpus folder ``OUT``.

Determinism: article ``i`` of seed ``S`` is generated from its own ``random.Random(f"{S}:{i}")``
(string seeds are hashed with SHA-512, so PYTHONHASHSEED does not matter).  The same article comes
out whatever ``--shards`` or ``--format`` is chosen, and a corpus of N articles is a prefix of the
corpus of N+k articles.

Realism (sources: shared/reference/vn-document-numbering.md A.6, A.7, B.2, B.5, C):
* central Party documents from the A.7 catalogue, numbers reused across terms (35-CT/TW in 2019
  and 2024, 45-CT/TW three times, 12-/21-/26-NQ/TW twice), only cited after their date;
* provincial Party documents (``Kế hoạch số 146-KH/TU``), central-department ones (``36-HD/BTCTW``);
* state documents in the B.2 shapes (``108/2014/NĐ-CP``, ``19/CT-TTg``, ``4912/UBND-NC``);
* named plenum / congress references (``Nghị quyết Trung ương 6 (khóa XII)``), the Party Charter;
* short forms (``Chỉ thị 35``) that refer back to a full mention in the same article;
* the A.6/B.5 spelling variants and the section-C traps (dates, ratios, term ranges, phone numbers,
  prices ``VNĐ/cp``, event ordinals, Youth Union numbers).

All word lists are written in NFC (checked at import time) so offsets are code-point offsets of
NFC text, as the extractor's contract (``text[start:end] == surface``) expects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import random
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENERATOR_VERSION = "3"

# --------------------------------------------------------------------------------------------------
# Catalogues (facts from vn-document-numbering.md A.7; dates are DD/MM/YYYY)
# --------------------------------------------------------------------------------------------------

#: (number, type code, issuer code, type word, date, issuer, term, plenum or None, subject)
CENTRAL_PARTY: tuple[tuple[str, str, str, str, str, str, str, int | None, str], ...] = (
    ("205", "QĐ", "TW", "Quy định", "23/09/2019", "Bộ Chính trị", "XII", None,
     "kiểm soát quyền lực trong công tác cán bộ và chống chạy chức, chạy quyền"),
    ("24", "QĐ", "TW", "Quy định", "30/07/2021", "Ban Chấp hành Trung ương", "XIII", None,
     "thi hành Điều lệ Đảng"),
    ("37", "QĐ", "TW", "Quy định", "25/10/2021", "Ban Chấp hành Trung ương", "XIII", 4,
     "những điều đảng viên không được làm"),
    ("97", "QĐ", "TW", "Quy định", "07/02/2023", "Bộ Chính trị", "XIII", None,
     "chức năng, nhiệm vụ của đảng đoàn, ban cán sự đảng"),
    ("132", "QĐ", "TW", "Quy định", "27/10/2023", "Bộ Chính trị", "XIII", None,
     "kiểm soát quyền lực, phòng, chống tham nhũng, tiêu cực trong hoạt động điều tra, truy tố, xét xử"),
    ("07", "QĐi", "TW", "Quy định", "28/08/2018", "Bộ Chính trị", "XII", None,
     "xử lý kỷ luật tổ chức đảng vi phạm"),
    ("11", "QĐi", "TW", "Quy định", "18/02/2019", "Bộ Chính trị", "XII", None,
     "trách nhiệm của người đứng đầu cấp ủy trong việc tiếp dân, đối thoại trực tiếp với dân"),
    ("66", "QĐ", "TW", "Quy định", "06/02/2017", "Ban Bí thư", "XII", None,
     "thể loại, thẩm quyền ban hành và thể thức văn bản của Đảng"),
    ("90", "QĐ", "TW", "Quyết định", "06/12/2022", "Ban Bí thư", "XIII", None,
     "quy chế phối hợp giữa Đảng ủy Công an Trung ương với các tỉnh ủy, thành ủy"),
    ("259", "QĐ", "TW", "Quyết định", "24/01/2025", "Bộ Chính trị", "XIII", None,
     "chức năng, nhiệm vụ, tổ chức bộ máy của Văn phòng Trung ương Đảng"),
    ("10", "CT", "TW", "Chỉ thị", "30/03/2007", "Ban Bí thư", "X", None,
     "nâng cao chất lượng sinh hoạt chi bộ"),
    ("05", "CT", "TW", "Chỉ thị", "15/05/2016", "Bộ Chính trị", "XII", None,
     "đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    ("28", "CT", "TW", "Chỉ thị", "21/01/2019", "Ban Bí thư", "XII", None,
     "nâng cao chất lượng kết nạp đảng viên và rà soát, sàng lọc, đưa những đảng viên không đủ tư cách ra khỏi Đảng"),
    ("35", "CT", "TW", "Chỉ thị", "30/05/2019", "Bộ Chính trị", "XII", None,
     "đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"),
    ("35", "CT", "TW", "Chỉ thị", "14/06/2024", "Bộ Chính trị", "XIII", None,
     "đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"),
    ("45", "CT", "TW", "Chỉ thị", "22/07/2010", "Bộ Chính trị", "X", None,
     "việc tổ chức các ngày kỷ niệm, nghi thức trao tặng"),
    ("45", "CT", "TW", "Chỉ thị", "20/06/2020", "Bộ Chính trị", "XII", None,
     "lãnh đạo cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp nhiệm kỳ 2021-2026"),
    ("45", "CT", "TW", "Chỉ thị", "14/04/2025", "Bộ Chính trị", "XIII", None,
     "đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"),
    ("26", "CT", "TW", "Chỉ thị", "23/11/2023", "Ban Bí thư", "XIII", None,
     "tổ chức Tết Giáp Thìn năm 2024"),
    ("100", "KL", "TW", "Kết luận", "18/08/2014", "Ban Bí thư", "XI", None,
     "công tác nắm bắt, định hướng dư luận xã hội"),
    ("34", "KL", "TW", "Kết luận", "18/04/2022", "Bộ Chính trị", "XIII", None,
     "Chiến lược công tác kiểm tra, giám sát của Đảng đến năm 2030"),
    ("21", "KL", "TW", "Kết luận", "25/10/2021", "Ban Chấp hành Trung ương", "XIII", 4,
     "đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị"),
    ("121", "KL", "TW", "Kết luận", "24/01/2025", "Ban Chấp hành Trung ương", "XIII", None,
     "tổng kết Nghị quyết số 18-NQ/TW"),
    ("215", "KL", "TW", "Kết luận", "23/11/2025", "Bộ Chính trị", "XIII", None,
     "việc người đứng đầu cấp ủy cấp tỉnh, cấp xã tiếp dân"),
    ("11", "NQ", "TW", "Nghị quyết", "06/01/2012", "Bộ Chính trị", "XI", None,
     "phương hướng, nhiệm vụ phát triển Thủ đô giai đoạn 2011-2020"),
    ("39", "NQ", "TW", "Nghị quyết", "17/04/2015", "Bộ Chính trị", "XI", None,
     "tinh giản biên chế và cơ cấu lại đội ngũ cán bộ, công chức, viên chức"),
    ("37", "NQ", "TW", "Nghị quyết", "24/12/2018", "Bộ Chính trị", "XII", None,
     "sắp xếp các đơn vị hành chính cấp huyện và cấp xã"),
    ("51", "NQ", "TW", "Nghị quyết", "05/09/2019", "Bộ Chính trị", "XII", None,
     "Chiến lược bảo vệ an ninh quốc gia"),
    ("12", "NQ", "TW", "Nghị quyết", "16/03/2022", "Bộ Chính trị", "XIII", None,
     "đẩy mạnh xây dựng lực lượng Công an nhân dân thật sự trong sạch, vững mạnh"),
    ("15", "NQ", "TW", "Nghị quyết", "05/05/2022", "Bộ Chính trị", "XIII", None,
     "phương hướng, nhiệm vụ phát triển Thủ đô Hà Nội đến năm 2030, tầm nhìn đến năm 2045"),
    ("57", "NQ", "TW", "Nghị quyết", "22/12/2024", "Bộ Chính trị", "XIII", None,
     "đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"),
    ("68", "NQ", "TW", "Nghị quyết", "04/05/2025", "Bộ Chính trị", "XIII", None,
     "phát triển kinh tế tư nhân"),
    ("72", "NQ", "TW", "Nghị quyết", "09/09/2025", "Bộ Chính trị", "XIII", None,
     "một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân"),
    ("70", "TB", "TW", "Thông báo", "06/01/2012", "Ban Bí thư", "XI", None,
     "kỷ niệm 100 năm ngày sinh đồng chí Nguyễn Văn Cừ"),
    # plenum resolutions (A.7.1)
    ("26", "NQ", "TW", "Nghị quyết", "05/08/2008", "Ban Chấp hành Trung ương", "X", 7,
     "nông nghiệp, nông dân, nông thôn"),
    ("12", "NQ", "TW", "Nghị quyết", "16/01/2012", "Ban Chấp hành Trung ương", "XI", 4,
     "một số vấn đề cấp bách về xây dựng Đảng hiện nay"),
    ("13", "NQ", "TW", "Nghị quyết", "16/01/2012", "Ban Chấp hành Trung ương", "XI", 4,
     "xây dựng hệ thống kết cấu hạ tầng đồng bộ"),
    ("29", "NQ", "TW", "Nghị quyết", "04/11/2013", "Ban Chấp hành Trung ương", "XI", 8,
     "đổi mới căn bản, toàn diện giáo dục và đào tạo"),
    ("33", "NQ", "TW", "Nghị quyết", "09/06/2014", "Ban Chấp hành Trung ương", "XI", 9,
     "xây dựng và phát triển văn hóa, con người Việt Nam"),
    ("04", "NQ", "TW", "Nghị quyết", "30/10/2016", "Ban Chấp hành Trung ương", "XII", 4,
     "tăng cường xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức, lối sống"),
    ("10", "NQ", "TW", "Nghị quyết", "03/06/2017", "Ban Chấp hành Trung ương", "XII", 5,
     "phát triển kinh tế tư nhân trở thành một động lực quan trọng"),
    ("18", "NQ", "TW", "Nghị quyết", "25/10/2017", "Ban Chấp hành Trung ương", "XII", 6,
     "tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực, hiệu quả"),
    ("20", "NQ", "TW", "Nghị quyết", "25/10/2017", "Ban Chấp hành Trung ương", "XII", 6,
     "tăng cường công tác bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân"),
    ("21", "NQ", "TW", "Nghị quyết", "25/10/2017", "Ban Chấp hành Trung ương", "XII", 6,
     "công tác dân số trong tình hình mới"),
    ("26", "NQ", "TW", "Nghị quyết", "19/05/2018", "Ban Chấp hành Trung ương", "XII", 7,
     "tập trung xây dựng đội ngũ cán bộ các cấp, nhất là cấp chiến lược"),
    ("36", "NQ", "TW", "Nghị quyết", "22/10/2018", "Ban Chấp hành Trung ương", "XII", 8,
     "Chiến lược phát triển bền vững kinh tế biển Việt Nam"),
    ("19", "NQ", "TW", "Nghị quyết", "16/06/2022", "Ban Chấp hành Trung ương", "XIII", 5,
     "nông nghiệp, nông dân, nông thôn đến năm 2030"),
    ("21", "NQ", "TW", "Nghị quyết", "16/06/2022", "Ban Chấp hành Trung ương", "XIII", 5,
     "tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng viên"),
    ("45", "NQ", "TW", "Nghị quyết", "24/11/2023", "Ban Chấp hành Trung ương", "XIII", 8,
     "tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức"),
)

#: central-department documents: (number, type code, issuer code, type word, date, issuer)
CENTRAL_DEPT: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("36", "HD", "BTCTW", "Hướng dẫn", "20/01/2021", "Ban Tổ chức Trung ương"),
    ("26", "HD", "BTCTW", "Hướng dẫn", "18/08/2020", "Ban Tổ chức Trung ương"),
    ("151", "HD", "BTGTW", "Hướng dẫn", "10/09/2020", "Ban Tuyên giáo Trung ương"),
    ("06", "HD", "UBKTTW", "Hướng dẫn", "18/12/2018", "Ủy ban Kiểm tra Trung ương"),
    ("118", "KH", "ĐUCA", "Kế hoạch", "25/05/2022", "Đảng ủy Công an Trung ương"),
    ("27", "HD", "BTGDVTW", "Hướng dẫn", "11/09/2025", "Ban Tuyên giáo và Dân vận Trung ương"),
    ("36", "HD", "VPTW", "Hướng dẫn", "03/04/2018", "Văn phòng Trung ương Đảng"),
    ("8011", "CV", "BTCTW", "Công văn", "27/02/2025", "Ban Tổ chức Trung ương"),
)

#: well-known state documents: (number, year, type code, issuer code, type word, issuer, subject)
STATE_KNOWN: tuple[tuple[str, int, str, str, str, str, str], ...] = (
    ("108", 2014, "NĐ", "CP", "Nghị định", "Chính phủ", "chính sách tinh giản biên chế"),
    ("34", 2016, "NĐ", "CP", "Nghị định", "Chính phủ", "quy định chi tiết Luật Ban hành văn bản quy phạm pháp luật"),
    ("30", 2020, "NĐ", "CP", "Nghị định", "Chính phủ", "công tác văn thư"),
    ("42", 2022, "NĐ", "CP", "Nghị định", "Chính phủ", "cung cấp thông tin và dịch vụ công trực tuyến"),
    ("129", 2017, "TT", "BTC", "Thông tư", "Bộ Tài chính", "công tác tự kiểm tra tài chính, kế toán"),
    ("12", 2019, "TT", "BNV", "Thông tư", "Bộ Nội vụ", "tinh giản biên chế"),
    ("80", 2015, "", "QH13", "Luật", "Quốc hội", "Ban hành văn bản quy phạm pháp luật"),
    ("22", 2018, "", "QH14", "Luật", "Quốc hội", "Quốc phòng"),
    ("26", 2020, "QĐ", "TTg", "Quyết định", "Thủ tướng Chính phủ", "quy định chi tiết thi hành Luật Thi đua, Khen thưởng"),
    ("653", 2019, "NQ", "UBTVQH14", "Nghị quyết", "Ủy ban Thường vụ Quốc hội", "sắp xếp các đơn vị hành chính cấp huyện và cấp xã"),
)

PROVINCES: tuple[str, ...] = (
    "Thái Nguyên", "Quảng Nam", "Hà Tĩnh", "Nghệ An", "Thanh Hóa", "Bắc Giang", "Yên Bái", "Ninh Bình",
    "Hải Dương", "Thừa Thiên Huế", "Bình Định", "Khánh Hòa", "Đắk Lắk", "Gia Lai", "Kon Tum",
    "Lâm Đồng", "Bình Thuận", "Ninh Thuận", "Tiền Giang", "Bến Tre", "An Giang", "Cà Mau",
    "Sóc Trăng", "Quảng Ninh", "Lào Cai", "Hà Giang", "Tuyên Quang", "Phú Thọ", "Hòa Bình",
    "Quảng Bình", "Quảng Trị", "Đồng Tháp", "Long An", "Bình Dương", "Đồng Nai", "Hà Nam",
)
DISTRICTS: tuple[str, ...] = (
    "Đại Từ", "Phú Bình", "Duy Xuyên", "Phước Sơn", "Thăng Bình", "Đồng Hỷ", "Võ Nhai", "Định Hóa",
    "Tuy Đức", "Kim Bảng", "Thạch Hà", "Can Lộc", "Yên Thành", "Quỳnh Lưu", "Hoằng Hóa", "Lục Nam",
)
COMMUNES: tuple[str, ...] = (
    "Lương Phú", "Tân Đức", "Hùng Sơn", "Phú Xuyên", "Quân Chu", "Yên Lãng", "Bình Thuận", "Cù Vân",
    "Hà Thượng", "Tân Thái", "Minh Tiến", "Phục Linh", "Đức Lương", "Văn Yên", "Mỹ Yên", "Khôi Kỳ",
)

# Provincial Party documents: (type code, type word, issuer code, issuer phrase template)
PROV_PARTY_TYPES: tuple[tuple[str, str], ...] = (
    ("KH", "Kế hoạch"), ("NQ", "Nghị quyết"), ("CT", "Chỉ thị"), ("KL", "Kết luận"),
    ("CTr", "Chương trình hành động"), ("HD", "Hướng dẫn"), ("TB", "Thông báo"), ("ĐA", "Đề án"),
    ("QĐ", "Quyết định"),
)
PROV_PARTY_ISSUERS: tuple[tuple[str, str], ...] = (
    ("TU", "Ban Thường vụ Tỉnh ủy {p}"), ("TU", "Tỉnh ủy {p}"), ("TU", "Ban Chấp hành Đảng bộ tỉnh"),
    ("HU", "Huyện ủy {d}"), ("HU", "Ban Thường vụ Huyện ủy {d}"), ("BTCTU", "Ban Tổ chức Tỉnh ủy"),
    ("BTGTU", "Ban Tuyên giáo Tỉnh ủy"), ("UBKTTU", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("BDVTU", "Ban Dân vận Tỉnh ủy"),
)

# State document generators: (type word, type code, issuer code, issuer, with year?)
STATE_SHAPES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("Nghị định", "NĐ", "CP", "Chính phủ", True),
    ("Thông tư", "TT", "BTC", "Bộ Tài chính", True),
    ("Thông tư", "TT", "BNV", "Bộ Nội vụ", True),
    ("Thông tư", "TT", "BGDĐT", "Bộ Giáo dục và Đào tạo", True),
    ("Thông tư", "TT", "BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn", True),
    ("Quyết định", "QĐ", "TTg", "Thủ tướng Chính phủ", False),
    ("Quyết định", "QĐ", "TTg", "Thủ tướng Chính phủ", True),
    ("Chỉ thị", "CT", "TTg", "Thủ tướng Chính phủ", False),
    ("Quyết định", "QĐ", "UBND", "UBND tỉnh {p}", False),
    ("Quyết định", "QĐ", "UBND", "UBND tỉnh {p}", True),
    ("Nghị quyết", "NQ", "HĐND", "HĐND tỉnh {p}", True),
    ("Nghị quyết", "NQ", "HĐND", "HĐND tỉnh {p}", False),
    ("Kế hoạch", "KH", "UBND", "UBND tỉnh {p}", False),
    ("Công văn", "", "UBND-NC", "UBND tỉnh {p}", False),
    ("Luật", "", "QH", "Quốc hội", True),
)

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X",
         11: "XI", 12: "XII", 13: "XIII", 14: "XIV", 15: "XV", 16: "XVI"}
ARABIC = {v: k for k, v in ROMAN.items()}
ORDINAL_WORDS = {4: "Tư", 5: "Năm", 6: "Sáu", 7: "Bảy", 8: "Tám", 9: "Chín"}
WEEKDAYS_NUM = ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật")
WEEKDAYS_WORD = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

# --------------------------------------------------------------------------------------------------
# Prose word lists
# --------------------------------------------------------------------------------------------------

OPENERS: tuple[str, ...] = (
    "Trong những năm qua,", "Thời gian tới,", "Bên cạnh đó,", "Qua đó,", "Đồng thời,", "Theo đánh giá,",
    "Nhìn chung,", "Từ đầu nhiệm kỳ đến nay,", "Trong năm,", "Để thực hiện tốt nhiệm vụ,", "Thực tế cho thấy,",
    "Ngay sau hội nghị,", "Với quyết tâm cao,", "Mặt khác,", "Cùng với đó,", "", "", "",
)
SUBJECTS: tuple[str, ...] = (
    "Ban Thường vụ Tỉnh ủy", "các cấp ủy, tổ chức đảng", "Ban Tổ chức Tỉnh ủy", "Ủy ban nhân dân tỉnh",
    "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội", "đội ngũ cán bộ, đảng viên", "chính quyền các cấp",
    "ngành Tổ chức xây dựng Đảng", "Huyện ủy {d}", "Đảng bộ xã {c}", "chi bộ xóm {c}", "Ủy ban Kiểm tra Tỉnh ủy",
    "các sở, ban, ngành", "lãnh đạo địa phương", "người đứng đầu cấp ủy", "Ban Tuyên giáo Tỉnh ủy",
)
VERBS: tuple[str, ...] = (
    "đã tập trung lãnh đạo, chỉ đạo", "tích cực tham mưu", "chủ động triển khai", "quán triệt sâu sắc",
    "tiếp tục đẩy mạnh", "thường xuyên kiểm tra, giám sát", "đã tổ chức sơ kết, tổng kết", "nghiêm túc thực hiện",
    "quan tâm đổi mới", "từng bước nâng cao", "kịp thời cụ thể hóa", "đã phối hợp chặt chẽ trong",
    "tập trung tháo gỡ khó khăn trong", "đề ra nhiều giải pháp về",
)
OBJECTS: tuple[str, ...] = (
    "công tác xây dựng, chỉnh đốn Đảng", "việc phát triển kinh tế - xã hội", "công tác cán bộ",
    "nhiệm vụ chính trị của địa phương", "phong trào thi đua yêu nước", "công tác dân vận",
    "việc sắp xếp tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả", "chương trình xây dựng nông thôn mới",
    "công tác kiểm tra, giám sát và thi hành kỷ luật đảng", "công tác phòng, chống tham nhũng, tiêu cực",
    "chuyển đổi số trong các cơ quan đảng", "cải cách hành chính", "công tác phát triển đảng viên mới",
    "chất lượng sinh hoạt chi bộ", "công tác bảo vệ chính trị nội bộ", "việc đánh giá, xếp loại tổ chức cơ sở đảng",
    "công tác tuyên truyền, giáo dục chính trị tư tưởng", "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
)
TAILS: tuple[str, ...] = (
    ", bảo đảm tiến độ và chất lượng", ", góp phần nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức đảng",
    ", tạo sự chuyển biến rõ rệt trong nhận thức và hành động", " trên địa bàn tỉnh {p}",
    ", đáp ứng yêu cầu nhiệm vụ trong tình hình mới", ", giữ vững vai trò hạt nhân chính trị ở cơ sở",
    ", được cán bộ, đảng viên và nhân dân đồng tình ủng hộ", " theo đúng lộ trình đề ra", "", "",
)
REF_VERBS: tuple[str, ...] = (
    "đã ban hành", "triển khai thực hiện", "quán triệt và cụ thể hóa", "tổ chức sơ kết 5 năm thực hiện",
    "tổ chức học tập, quán triệt", "xây dựng chương trình hành động thực hiện", "tổng kết việc thực hiện",
)
STAT_SENTENCES: tuple[str, ...] = (
    "{n} tháng năm {y} toàn Đảng bộ tỉnh kết nạp {a} đảng viên mới, nâng tổng số đảng viên lên {b} đảng viên.",
    "Toàn tỉnh hiện có {a} tổ chức cơ sở đảng với {b} đảng viên, trong đó {k} tổ chức được xếp loại hoàn thành tốt nhiệm vụ.",
    "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ đạt {k}%, tăng {n} điểm phần trăm so với năm trước.",
    "Năm {y}, các cấp ủy đã kiểm tra {k} tổ chức đảng và {a} đảng viên, giám sát chuyên đề {n} tổ chức đảng.",
)
TITLE_TEMPLATES: tuple[str, ...] = (
    "Tham mưu làm tốt công tác xây dựng Đảng", "{p}: Nâng cao chất lượng {o}", "{d} đẩy mạnh {o}",
    "Nét mới trong {o}", "Ngành Tổ chức xây dựng Đảng: {k} kết quả nổi bật năm {y}",
    "Kiện toàn tổ chức đảng ở {p}", "Đổi mới, nâng cao chất lượng {o}", "Hiệu quả từ {o} ở {d}",
    "Kỷ niệm ngày truyền thống ngành tổ chức xây dựng Đảng 14/10",
)


@dataclass
class Ref:
    """One reference inserted into an article; the ground truth the extractor is scored against."""

    kind: str  # party | state | named
    form: str  # full | short
    variant: str
    surface: str
    start: int
    end: int
    num_start: int | None
    num_end: int | None
    doc_type: str | None
    number: str | None
    type_code: str | None
    issuer_code: str | None
    year: int | None
    date: str | None  # ISO date of the document when the text states it (or the catalogue knows it)
    issuer: str | None
    plenum: int | None = None
    congress: str | None = None
    term: str | None = None
    subject: str | None = None
    antecedent: int | None = None  # index (in this article's refs) of the full mention a short one refers to

    def shifted(self, by: int) -> dict[str, Any]:
        """The JSON object with offsets moved by ``by`` (the title/date prefix of the .txt format)."""
        d = self.__dict__.copy()
        d["start"] += by
        d["end"] += by
        if d["num_start"] is not None:
            d["num_start"] += by
            d["num_end"] += by
        return d


@dataclass
class GenArticle:
    """A generated article: the body text and everything the truth sidecar records about it."""

    index: int
    id: str
    url: str
    title: str
    date: str  # ISO publication date
    dateline: str
    province: str
    text: str  # body only (the JSONL `text`)
    refs: list[Ref] = field(default_factory=list)
    traps: list[dict[str, Any]] = field(default_factory=list)

    def txt(self) -> str:
        """The article as a .txt file: title line, date line, body (the sample-corpus layout)."""
        return f"{self.title}\n{self.dateline}\n{self.text}\n"

    def txt_prefix_len(self) -> int:
        """Code points before the body in :meth:`txt` (to shift truth offsets)."""
        return len(self.title) + len(self.dateline) + 2


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def strip_diacritics(s: str) -> str:
    """ASCII-fold Vietnamese (``Nghị quyết`` -> ``Nghi quyet``, ``Đ`` -> ``D``), as in A.6 #18/#20."""
    s = s.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFC", "".join(
        ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch)))


def _parse_date(d: str) -> dt.date:
    day, month, year = d.split("/")
    return dt.date(int(year), int(month), int(day))


def _fmt_date(rng: random.Random, d: dt.date) -> str:
    """A date as prose writes it: ``23/9/2019``, ``23/09/2019`` or the Party style ``23-9-2019``."""
    r = rng.random()
    if r < 0.55:
        return f"{d.day}/{d.month}/{d.year}"
    if r < 0.8:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day}-{d.month}-{d.year}"


def _thousands(n: int) -> str:
    """Vietnamese thousands separator: 92531 -> ``92.531``."""
    return f"{n:,}".replace(",", ".")


def _random_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _qh_term(year: int) -> int:
    """The Quốc hội term a law of ``year`` carries (QH13 2011-2016, QH14 2016-2021, QH15 2021-2026)."""
    if year <= 2010:
        return 12
    if year <= 2015:
        return 13
    if year <= 2020:
        return 14
    return 15


def _check_nfc() -> None:
    """Fail fast if someone edits a word list in NFD: offsets would then not match NFC extractor input."""
    pools: list[Any] = [CENTRAL_PARTY, CENTRAL_DEPT, STATE_KNOWN, PROVINCES, DISTRICTS, COMMUNES,
                        PROV_PARTY_TYPES, PROV_PARTY_ISSUERS, STATE_SHAPES, OPENERS, SUBJECTS, VERBS,
                        OBJECTS, TAILS, REF_VERBS, STAT_SENTENCES, TITLE_TEMPLATES, WEEKDAYS_WORD]
    stack = list(pools)
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            if not unicodedata.is_normalized("NFC", x):
                raise ValueError(f"word list entry not NFC: {x!r}")
        elif isinstance(x, (tuple, list)):
            stack.extend(x)


_check_nfc()

# Weighted spelling variants of a Party number (A.6).  Each builds the number surface from
# (number, type code, issuer code); "eth" needs a Đ in the code.
PARTY_VARIANTS: tuple[tuple[str, float], ...] = (
    ("canonical", 0.62), ("spaced_hyphen", 0.05), ("space_after_hyphen", 0.05), ("en_dash", 0.04),
    ("no_hyphen", 0.03), ("swapped", 0.05), ("spaced_slash", 0.03), ("no_diacritics", 0.04),
    ("eth", 0.04), ("so_colon", 0.03), ("tu_horn", 0.02),
)
STATE_VARIANTS: tuple[tuple[str, float], ...] = (
    ("canonical", 0.72), ("space_before_slash", 0.05), ("space_after_hyphen", 0.05), ("lower", 0.03),
    ("no_diacritics", 0.05), ("eth", 0.04), ("so_colon", 0.03), ("swapped", 0.03),
)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    r = rng.random() * sum(w for _, w in weighted)
    for name, w in weighted:
        r -= w
        if r <= 0:
            return name
    return weighted[-1][0]


def party_number_surface(variant: str, number: str, code: str, issuer: str) -> str:
    """The number as written under ``variant`` (A.6 rows 2-19)."""
    if variant == "spaced_hyphen":
        return f"{number} - {code}/{issuer}"
    if variant == "space_after_hyphen":
        return f"{number}- {code}/{issuer}"
    if variant == "en_dash":
        return f"{number} – {code}/{issuer}"
    if variant == "no_hyphen":
        return f"{number} {code}/{issuer}"
    if variant == "swapped":
        return f"{number}/{code}-{issuer}"
    if variant == "spaced_slash":
        return f"{number}-{code} / {issuer}"
    if variant == "no_diacritics":
        return strip_diacritics(f"{number}-{code}/{issuer}")
    if variant == "eth":
        return f"{number}-{code}/{issuer}".replace("Đ", "\u00d0")
    if variant == "tu_horn":
        return f"{number}-{code}/{'TƯ' if issuer == 'TW' else issuer}"
    return f"{number}-{code}/{issuer}"


def state_number_surface(variant: str, number: str, year: int | None, code: str, issuer: str) -> str:
    """A state number ``n/[yyyy/]CODE-ISSUER`` (B.2) as written under ``variant`` (B.5)."""
    symbol = f"{code}-{issuer}" if code else issuer
    head = f"{number}/{year}" if year else number
    if variant == "space_before_slash":
        return f"{head} /{symbol}"
    if variant == "space_after_hyphen" and code:
        return f"{head}/{code}- {issuer}"
    if variant == "lower" and code:
        return f"{head}/{symbol.lower()}"
    if variant == "no_diacritics":
        return strip_diacritics(f"{head}/{symbol}")
    if variant == "eth":
        return f"{head}/{symbol}".replace("Đ", "\u00d0")
    if variant == "swapped" and code and year:
        return f"{head}-{code}/{issuer}"  # "113/2018-NĐ/CP" (sample corpus)
    return f"{head}/{symbol}"


# --------------------------------------------------------------------------------------------------
# The article builder
# --------------------------------------------------------------------------------------------------


class _Builder:
    """Accumulates the body of one article, tracking code-point offsets of refs and traps."""

    def __init__(self, rng: random.Random, province: str, pub: dt.date) -> None:
        self.rng = rng
        self.p = province
        self.d = rng.choice(DISTRICTS)
        self.c = rng.choice(COMMUNES)
        self.pub = pub
        self.parts: list[str] = []
        self.pos = 0
        self.nbytes = 0
        self.words = 0
        self.refs: list[Ref] = []
        self.traps: list[dict[str, Any]] = []

    # -- low level ---------------------------------------------------------------------------------
    def put(self, s: str) -> int:
        """Append ``s``; return its start offset."""
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        self.nbytes += len(s.encode("utf-8"))
        self.words += s.count(" ") + (1 if s and not s.startswith(" ") else 0)
        return start

    def fill(self, s: str) -> str:
        return s.format(p=self.p, d=self.d, c=self.c)

    # -- prose -------------------------------------------------------------------------------------
    def clause(self) -> str:
        rng = self.rng
        return self.fill(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(TAILS)}")

    def filler_sentence(self) -> None:
        rng = self.rng
        if rng.random() < 0.12:
            y = rng.randint(max(2010, self.pub.year - 3), self.pub.year)
            s = rng.choice(STAT_SENTENCES).format(
                n=rng.randint(2, 11), y=y, a=_thousands(rng.randint(150, 4000)),
                b=_thousands(rng.randint(20_000, 160_000)), k=rng.randint(70, 98))
            self.put(s)
            return
        opener = rng.choice(OPENERS)
        text = self.clause()
        if opener:
            text = f"{opener} {text}"
        text = text[0].upper() + text[1:]
        if rng.random() < 0.3:
            text += "; " + self.clause()
        self.put(text + ".")

    # -- traps (section C) -------------------------------------------------------------------------
    def trap_sentence(self) -> None:
        rng = self.rng
        y = self.pub.year
        kind = rng.randrange(12)
        if kind == 0:
            a, b = rng.randint(2, 17), 18
            pre, trap, post = "Có ", f"{a}/{b}", " huyện, thành phố có đủ số lượng đảng viên để thành lập đảng bộ cơ sở."
            cat = "ratio"
        elif kind == 1:
            s = (y - 1) // 5 * 5
            pre, trap, post = "Đại hội đã bầu Ban Chấp hành Đảng bộ tỉnh nhiệm kỳ ", rng.choice(
                [f"{s}-{s + 5}", f"{s} - {s + 5}", f"{s}–{s + 5}"]), " gồm 53 đồng chí."
            cat = "term_range"
        elif kind == 2:
            d = _random_date(rng, self.pub - dt.timedelta(days=400), self.pub)
            pre, trap, post = "Hội nghị được tổ chức vào ngày ", _fmt_date(rng, d), " tại hội trường Tỉnh ủy."
            cat = "date"
        elif kind == 3:
            phone = rng.choice([f"0{rng.randint(200, 299)}.{rng.randint(3_000_000, 3_999_999)}",
                                f"08{rng.randint(10_000_000, 99_999_999)}"])
            pre, trap, post = "Mọi ý kiến phản ánh xin gửi về đường dây nóng ", phone, " của Ban Tổ chức Tỉnh ủy."
            cat = "phone"
        elif kind == 4:
            price = f"{_thousands(rng.randint(8, 95) * 1000)} {rng.choice(['VNĐ/cp', 'VNĐ/CP', 'đồng/cp'])}"
            pre, trap, post = "Cổ phiếu của doanh nghiệp đóng cửa ở mức ", price, ", tăng nhẹ so với phiên trước."
            cat = "price"
        elif kind == 5:
            pre, trap, post = "Tốc độ tăng trưởng kinh tế bình quân đạt ", f"{rng.randint(5, 9)},{rng.randint(1, 9)}%/năm", "."
            cat = "percent"
        elif kind == 6:
            pre, trap, post = "Tại ", f"Hội nghị Trung ương {rng.randint(2, 15)}", ", các đại biểu đã thảo luận nhiều nội dung quan trọng."
            cat = "plenum_event"
        elif kind == 7:
            pre, trap, post = "Toàn Đảng bộ đang chuẩn bị tốt các điều kiện tiến tới ", rng.choice(
                ["Đại hội XIV", "Đại hội XIII", "Đại hội đại biểu toàn quốc lần thứ XIV"]), " của Đảng."
            cat = "congress_event"
        elif kind == 8:
            pre, trap, post = "Đại biểu ", rng.choice(["HĐND tỉnh khóa XVII", "Quốc hội khóa XV", "Ban Chấp hành Đảng bộ tỉnh (khóa XX)"]), " đã tiếp xúc cử tri tại xã " + self.c + "."
            cat = "non_central_term"
        elif kind == 9:
            pre, trap, post = "Theo ", f"Điều {rng.randint(2, 40)}, khoản {rng.randint(1, 6)}", " của quy định, tổ chức đảng phải báo cáo định kỳ."
            cat = "article_ref"
        elif kind == 10:
            a = rng.randint(1000, 20000)
            pre, trap, post = "Lực lượng chức năng đã khởi tố ", f"{_thousands(a)} vụ/{_thousands(a + rng.randint(500, 9000))} bị can", " trong năm."
            cat = "ratio"
        else:
            trap = rng.choice([f"{rng.randint(20, 400)} QĐ/TWĐTN", f"{rng.randint(10, 99)}-HD/TWĐTN-VP",
                               f"{rng.randint(2, 60)}-BS/UBKTTU"])
            pre, post = "Văn bản số ", " được sao gửi các chi bộ để biết."
            cat = "union_or_copy"
        start = self.put(pre) + len(pre)
        self.put(trap + post)
        self.traps.append({"category": cat, "surface": trap, "start": start, "end": start + len(trap)})

    # -- references --------------------------------------------------------------------------------
    def _type_word(self, word: str, variant: str) -> str:
        return strip_diacritics(word) if variant == "no_diacritics" else word

    def _so(self, variant: str) -> str:
        rng = self.rng
        if variant == "so_colon":
            return " số: "
        if variant == "no_diacritics":
            return rng.choice([" so ", " "])
        return rng.choice([" số ", " số ", " "])

    def party_ref(self, entry: tuple[str, str, str, str, str | None, str | None, str | None, int | None, str | None],
                  central: bool) -> Ref:
        """Build a full Party reference phrase; return it unplaced (offsets relative to the phrase)."""
        rng = self.rng
        number, code, issuer_code, word, date, issuer, term, plenum, subject = entry
        variant = _pick(rng, PARTY_VARIANTS)
        if variant == "eth" and "Đ" not in code + issuer_code:
            variant = "canonical"
        if variant == "tu_horn" and issuer_code != "TW":
            variant = "canonical"
        head = self._type_word(word, variant) + self._so(variant)
        num = party_number_surface(variant, number, code, issuer_code)
        tail = ""
        if date and rng.random() < 0.7:
            tail += f"{rng.choice([' ngày ', ', ngày '])}{_fmt_date(rng, _parse_date(date))}"
        if issuer and rng.random() < 0.75:
            tail += f" của {issuer}"
        if central and term and rng.random() < 0.25 and issuer:
            tail += f" khóa {term}" if rng.random() < 0.5 else f" (khóa {term})"
        surface = head + num + tail
        iso = _parse_date(date).isoformat() if date else None
        return Ref(kind="party", form="full", variant=variant, surface=surface, start=0, end=len(surface),
                   num_start=len(head), num_end=len(head) + len(num), doc_type=word, number=number,
                   type_code=code, issuer_code=issuer_code, year=int(date[-4:]) if date else None, date=iso,
                   issuer=issuer, plenum=plenum, term=term, subject=subject)

    def central_ref(self) -> Ref:
        pool = [e for e in CENTRAL_PARTY if _parse_date(e[4]) <= self.pub]
        if not pool or self.rng.random() < 0.15:
            e = self.rng.choice([x for x in CENTRAL_DEPT if _parse_date(x[4]) <= self.pub] or CENTRAL_DEPT[:1])
            return self.party_ref((*e, None, None, None), central=False)
        return self.party_ref(self.rng.choice(pool), central=True)

    def provincial_ref(self) -> Ref:
        rng = self.rng
        code, word = rng.choice(PROV_PARTY_TYPES)
        issuer_code, issuer_t = rng.choice(PROV_PARTY_ISSUERS)
        number = f"{rng.randint(1, 320):02d}"
        d = _random_date(rng, self.pub - dt.timedelta(days=4 * 365), self.pub - dt.timedelta(days=3))
        issuer = self.fill(issuer_t)
        return self.party_ref((number, code, issuer_code, word, f"{d.day:02d}/{d.month:02d}/{d.year}", issuer,
                               None, None, None), central=False)

    def state_ref(self) -> Ref:
        rng = self.rng
        if rng.random() < 0.35:
            number, year, code, issuer_code, word, issuer, subject = rng.choice(
                [e for e in STATE_KNOWN if e[1] <= self.pub.year] or STATE_KNOWN[:1])
            with_year, date = True, None
        else:
            word, code, issuer_code, issuer_t, with_year = rng.choice(STATE_SHAPES)
            issuer = self.fill(issuer_t)
            d = _random_date(rng, self.pub - dt.timedelta(days=5 * 365), self.pub - dt.timedelta(days=3))
            year = d.year
            top = {"NĐ": 180, "TT": 60, "CT": 40, "NQ": 80, "KH": 400, "": 9000}.get(code, 3000)
            if word == "Luật":
                top = 70
            number = f"{rng.randint(1, top):02d}"
            if issuer_code == "QH":
                issuer_code = f"QH{_qh_term(year)}"
            date = d.isoformat() if rng.random() < 0.5 else None
            subject = None
        variant = _pick(rng, STATE_VARIANTS)
        if variant == "eth" and "Đ" not in code + issuer_code:
            variant = "canonical"
        shown_year = year if with_year else None
        head = self._type_word(word, variant) + self._so(variant)
        num = state_number_surface(variant, number, shown_year, code, issuer_code)
        tail = ""
        if date:
            dd = dt.date.fromisoformat(date)
            tail = f" ngày {_fmt_date(rng, dd)}"
            if rng.random() < 0.5:
                tail += f" của {issuer}"
        surface = head + num + tail
        return Ref(kind="state", form="full", variant=variant, surface=surface, start=0, end=len(surface),
                   num_start=len(head), num_end=len(head) + len(num), doc_type=word, number=number,
                   type_code=code or None, issuer_code=issuer_code, year=year, date=date, issuer=issuer,
                   subject=subject)

    def named_ref(self) -> Ref:
        """A reference by name (A.6 #28-31): plenum resolutions, a congress resolution, the Charter."""
        rng = self.rng
        plenums = sorted({(e[7], e[6], e[4]) for e in CENTRAL_PARTY if e[7] and _parse_date(e[4]) <= self.pub})
        r = rng.random()
        if plenums and r < 0.7:
            plenum, term, date = rng.choice(plenums)
            khoa = rng.choice(["khóa", "khóa", "khoá"])
            forms = [
                ("plenum_paren", f"Nghị quyết Trung ương {plenum} ({khoa} {term})"),
                ("plenum_plain", f"Nghị quyết Trung ương {plenum} {khoa} {term}"),
                ("plenum_hoi_nghi", f"Nghị quyết Hội nghị Trung ương {plenum} ({khoa} {term})"),
                ("plenum_tu_dot", f"Nghị quyết T.Ư {plenum}, {khoa} {term}"),
                ("plenum_fused_arabic", f"Nghị quyết TW{plenum} {khoa} {ARABIC[term]}"),
                ("plenum_ordinal", f"Nghị quyết Hội nghị lần thứ {ORDINAL_WORDS.get(plenum, plenum)} "
                                   f"Ban Chấp hành Trung ương Đảng {khoa} {term}"),
            ]
            variant, surface = rng.choice(forms)
            return Ref(kind="named", form="full", variant=variant, surface=surface, start=0, end=len(surface),
                       num_start=None, num_end=None, doc_type="Nghị quyết", number=None, type_code="NQ",
                       issuer_code="TW", year=int(date[-4:]), date=None, issuer="Ban Chấp hành Trung ương",
                       plenum=plenum, term=term)
        if r < 0.9:
            congress = "XIII" if self.pub.year >= 2021 else "XII"
            if self.pub >= dt.date(2026, 1, 24):
                congress = "XIV"
            variant, surface = rng.choice([
                ("congress", f"Nghị quyết Đại hội {congress} của Đảng"),
                ("congress_full", f"Nghị quyết Đại hội đại biểu toàn quốc lần thứ {congress} của Đảng"),
            ])
            return Ref(kind="named", form="full", variant=variant, surface=surface, start=0, end=len(surface),
                       num_start=None, num_end=None, doc_type="Nghị quyết", number=None, type_code="NQ",
                       issuer_code=None, year=None, date=None, issuer="Đại hội đại biểu toàn quốc",
                       congress=congress)
        surface = "Điều lệ Đảng"
        return Ref(kind="named", form="full", variant="charter", surface=surface, start=0, end=len(surface),
                   num_start=None, num_end=None, doc_type="Điều lệ", number=None, type_code=None,
                   issuer_code=None, year=None, date=None, issuer=None)

    def short_ref(self) -> Ref | None:
        """``Chỉ thị 35`` referring back to an earlier full numbered mention in this article (A.6 #26)."""
        fulls = [(i, r) for i, r in enumerate(self.refs) if r.form == "full" and r.number and r.kind != "named"
                 and r.doc_type not in ("Công văn", "Luật")]
        if not fulls:
            return None
        i, ant = self.rng.choice(fulls)
        word = ant.doc_type or ""
        surface = f"{word} {int(ant.number or 0)}" if self.rng.random() < 0.7 else f"{word} số {int(ant.number or 0)}"
        head_len = surface.rindex(" ") + 1
        return Ref(kind=ant.kind, form="short", variant="short", surface=surface, start=0, end=len(surface),
                   num_start=head_len, num_end=len(surface), doc_type=ant.doc_type, number=ant.number,
                   type_code=ant.type_code, issuer_code=ant.issuer_code, year=ant.year, date=ant.date,
                   issuer=ant.issuer, plenum=ant.plenum, term=ant.term, subject=ant.subject, antecedent=i)

    def any_ref(self) -> Ref:
        r = self.rng.random()
        if r < 0.15:
            short = self.short_ref()
            if short is not None:
                return short
        if r < 0.45:
            return self.central_ref()
        if r < 0.65:
            return self.provincial_ref()
        if r < 0.88:
            return self.state_ref()
        return self.named_ref()

    def ref_sentence(self) -> None:
        rng = self.rng
        ref = self.any_ref()
        about = f" về {ref.subject}" if ref.subject and ref.form == "full" and rng.random() < 0.5 else ""
        shape = rng.randrange(4)
        if shape == 0:
            pre, post = "Thực hiện ", f"{about}, {self.clause()}."
        elif shape == 1:
            subj = self.fill(rng.choice(SUBJECTS))
            pre = f"{subj[0].upper()}{subj[1:]} {rng.choice(REF_VERBS)} "
            post = f"{about}{rng.choice(TAILS).format(p=self.p)}."
        elif shape == 2:
            c = self.clause()
            pre, post = f"{c[0].upper()}{c[1:]} theo tinh thần ", f"{about}."
        else:
            pre, post = "Quán triệt ", f"{about}, {self.clause()}; kết quả bước đầu được đánh giá cao."
        start = self.put(pre) + len(pre)
        self.put(ref.surface + post)
        self._place(ref, start)
        # some catalogue subjects cite another document ("thi hành Điều lệ Đảng"): record those too
        for needle, make in self._nested():
            at = post.find(needle)
            if about and 0 <= at < len(about):
                self._place(make(), start + len(ref.surface) + at)

    def _nested(self) -> tuple[tuple[str, Callable[[], Ref]], ...]:
        def charter() -> Ref:
            return Ref(kind="named", form="full", variant="in_subject", surface="Điều lệ Đảng", start=0, end=12,
                       num_start=None, num_end=None, doc_type="Điều lệ", number=None, type_code=None,
                       issuer_code=None, year=None, date=None, issuer=None)

        def nq18() -> Ref:
            surface = "Nghị quyết số 18-NQ/TW"
            return Ref(kind="party", form="full", variant="in_subject", surface=surface, start=0,
                       end=len(surface), num_start=14, num_end=len(surface), doc_type="Nghị quyết", number="18",
                       type_code="NQ", issuer_code="TW", year=2017, date="2017-10-25",
                       issuer="Ban Chấp hành Trung ương", plenum=6, term="XII")

        return (("Điều lệ Đảng", charter), ("Nghị quyết số 18-NQ/TW", nq18))

    def _place(self, ref: Ref, start: int) -> None:
        """Move ``ref`` (offsets relative to its own surface) to ``start`` and record it."""
        shift = start - ref.start
        ref.start += shift
        ref.end += shift
        if ref.num_start is not None and ref.num_end is not None:
            ref.num_start += shift
            ref.num_end += shift
        self.refs.append(ref)

    def body(self, target_bytes: int) -> str:
        rng = self.rng
        next_ref = rng.randint(20, 260)
        next_trap = rng.randint(40, 300)
        first = True
        while self.nbytes < target_bytes or not self.refs:
            if not first:
                self.put("\n\n")
            first = False
            for k in range(rng.randint(2, 7)):
                if k and self.nbytes >= target_bytes and self.refs:
                    break  # keep the article within its size budget (sentence granularity)
                if k:
                    self.put(" ")
                if self.words >= next_ref:
                    self.ref_sentence()
                    next_ref = self.words + rng.randint(90, 300)  # ~250 whitespace words between refs
                elif self.words >= next_trap:
                    self.trap_sentence()
                    next_trap = self.words + rng.randint(120, 420)
                else:
                    self.filler_sentence()
                if rng.random() < 0.01:
                    self.put(" Công tác xây dựng Ðảng được quan tâm đặc biệt.")  # U+00D0 outside numbers (A.6 #32)
        return "".join(self.parts)


def _dateline(rng: random.Random, when: dt.datetime) -> str:
    """One of the sample corpus's date-line styles."""
    d = when
    style = rng.randrange(5)
    if style == 0:
        return f"Cập nhật ngày: {d:%d/%m/%Y %H:%M}"
    if style == 1:
        return f"{WEEKDAYS_NUM[d.weekday()]}, {d:%d/%m/%Y, %H:%M}[GMT+7]"
    if style == 2:
        return f"{WEEKDAYS_NUM[d.weekday()]}, {d:%d/%m/%Y | %H:%M:%S}"
    if style == 3:
        return f"{d:%H:%M, %d/%m/%Y}"
    return f"{WEEKDAYS_WORD[d.weekday()]}, {d.day}/{d.month}/{d.year} - {d:%H:%M}"


def _slug(s: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in strip_diacritics(s).lower())
    return "-".join(filter(None, out.split("-")))[:80]


def make_article(seed: int, index: int) -> GenArticle:
    """Article ``index`` of corpus ``seed`` (independent of every other article)."""
    rng = random.Random(f"{seed}:{index}")
    province = rng.choice(PROVINCES)
    day0 = dt.date(2012, 1, 1)
    pub = day0 + dt.timedelta(days=rng.randrange((dt.date(2025, 12, 31) - day0).days))
    when = dt.datetime(pub.year, pub.month, pub.day, rng.randrange(6, 23), rng.randrange(60), rng.randrange(60))
    b = _Builder(rng, province, pub)
    # log-normal around 6 KB, clipped to the 2-15 KB the sample articles span
    target = int(min(14_500, max(2_100, rng.lognormvariate(math.log(6_000), 0.5))))
    body = b.body(target)
    title = rng.choice(TITLE_TEMPLATES).format(
        o=rng.choice(OBJECTS), k=rng.randint(5, 10), y=pub.year - 1, p=province, d=b.d)
    aid = f"gen{seed}-{index:08d}"
    return GenArticle(index=index, id=aid, url=f"https://baomau.vn/{_slug(title)}-{index}.html", title=title,
                      date=pub.isoformat(), dateline=_dateline(rng, when), province=province, text=body,
                      refs=b.refs, traps=b.traps)


def iter_articles(n: int, seed: int = 1, start: int = 0) -> Iterator[GenArticle]:
    """Articles ``start .. start+n-1`` of corpus ``seed``, one at a time (nothing accumulates)."""
    for i in range(start, start + n):
        yield make_article(seed, i)


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a :func:`write_corpus` call produced."""

    articles: int = 0
    text_bytes: int = 0
    file_bytes: int = 0
    refs: int = 0
    traps: int = 0
    words: int = 0
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)


def truth_path(out: Path) -> Path:
    """The ground truth of the corpus in ``out``: beside the folder, so a build of ``out`` reads articles only."""
    return out.with_name(out.name + ".truth.jsonl")


def manifest_path(out: Path) -> Path:
    """What the corpus in ``out`` was generated with (beside the folder, like the truth)."""
    return out.with_name(out.name + ".manifest.json")


def write_corpus(out: Path, n: int, seed: int = 1, fmt: str = "jsonl", shards: int = 1,
                 progress: bool = False) -> Summary:
    """Write ``n`` articles to ``out`` (JSONL shards or one .txt per article), the ground truth to
    ``truth_path(out)`` and the parameters to ``manifest_path(out)``, beside the folder.

    Streaming: each article is written and dropped before the next one is made, so memory stays
    flat at any ``n``.  Shard ``k`` holds a contiguous block of articles (``i * shards // n``), so
    concatenating shards in name order gives the corpus in index order.
    """
    if fmt not in ("jsonl", "txt"):
        raise ValueError(f"unknown format {fmt!r}")
    shards = max(1, min(shards, max(n, 1)))
    out.mkdir(parents=True, exist_ok=True)
    summ = Summary()
    t0 = time.perf_counter()
    truth = open(truth_path(out), "w", encoding="utf-8")  # closed in finally
    cur_shard = -1
    fh = None
    try:
        for art in iter_articles(n, seed):
            shard = art.index * shards // n if n else 0
            if fmt == "jsonl":
                if shard != cur_shard:
                    if fh:
                        fh.close()
                    name = f"articles-{shard:03d}.jsonl" if shards > 1 else "articles.jsonl"
                    fh = open(out / name, "w", encoding="utf-8")
                    summ.files.append(name)
                    cur_shard = shard
                line = json.dumps({"id": art.id, "url": art.url, "title": art.title, "date": art.date,
                                   "text": art.text}, ensure_ascii=False) + "\n"
                data = line.encode("utf-8")
                fh.write(line)  # type: ignore[union-attr]
                rel, shift = summ.files[-1], 0
            else:
                sub = out / f"shard-{shard:03d}" if shards > 1 else out
                if shard != cur_shard:
                    sub.mkdir(parents=True, exist_ok=True)
                    cur_shard = shard
                h = hashlib.sha1(art.id.encode()).hexdigest()[:16]
                name = f"{art.index:08d}_{h}.txt"
                content = art.txt()
                data = content.encode("utf-8")
                (sub / name).write_bytes(data)
                rel = str((sub / name).relative_to(out))
                shift = art.txt_prefix_len()
            summ.articles += 1
            summ.text_bytes += len(art.text.encode("utf-8"))
            summ.file_bytes += len(data)
            summ.refs += len(art.refs)
            summ.traps += len(art.traps)
            summ.words += len(art.text.split())
            truth.write(json.dumps({
                "id": art.id, "file": rel, "format": fmt, "province": art.province, "date": art.date,
                "refs": [r.shifted(shift) for r in art.refs],
                "traps": [{**t, "start": t["start"] + shift, "end": t["end"] + shift} for t in art.traps],
            }, ensure_ascii=False) + "\n")
            if progress and summ.articles % 10_000 == 0:
                print(f"  {summ.articles:,} articles, {summ.file_bytes / 1e6:,.1f} MB", file=sys.stderr)
    finally:
        if fh:
            fh.close()
        truth.close()
    summ.seconds = time.perf_counter() - t0
    manifest_path(out).write_text(json.dumps({
        "generator_version": GENERATOR_VERSION, "articles": n, "seed": seed, "format": fmt, "shards": shards,
        "text_bytes": summ.text_bytes, "file_bytes": summ.file_bytes, "refs": summ.refs, "traps": summ.traps,
        "words": summ.words, "files": summ.files if fmt == "jsonl" else None,
    }, indent=2) + "\n", encoding="utf-8")
    return summ


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python bench/generate.py --articles N --seed S --out DIR [--format txt|jsonl] [--shards K]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", "-n", type=int, required=True, help="number of articles")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    ap.add_argument("--shards", type=int, default=1, help="JSONL files / txt sub-directories (default 1)")
    ap.add_argument("--quiet", "-q", action="store_true")
    a = ap.parse_args(argv)
    if a.articles < 0:
        ap.error("--articles must be >= 0")
    s = write_corpus(a.out, a.articles, a.seed, a.format, a.shards, progress=not a.quiet)
    if not a.quiet:
        words = max(s.words, 1)
        print(f"{s.articles:,} articles, {s.file_bytes / 1e6:,.1f} MB ({s.text_bytes / 1e6:,.1f} MB of text), "
              f"{s.refs:,} references (1 per {words / max(s.refs, 1):.0f} words), {s.traps:,} traps, "
              f"{s.seconds:.1f} s -> {a.out}{os.sep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
