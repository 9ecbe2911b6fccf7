#!/usr/bin/env python3
"""Deterministic benchmark data for Relief (issue 7): a hospital registry, a
beneficiary registry and N claims spread over M canonical claim feeds
(SPEC 2.1, 2.2, 2.3).

    gen_data.py --claims 100000 --out /tmp/relief-bench/100k [--seed 7] ...

Writes OUT/hospitals.csv, OUT/registry.csv, OUT/feeds/*.xml and
OUT/manifest.json (what was generated, with the expected count of every
claim-level rejection code). The same arguments give the same bytes (for a
given Python 3 minor version: only random.Random.random() and getrandbits()
are used, whose sequences CPython keeps stable).

Streams: claims are written as they are made; the only state kept is the
registry's identity numbers (a list of K strings), so memory stays around
tens of MB whatever N is. Every person, name, account and identity number is
invented; identity numbers are valid only by their GB 11643 check character.
"""
import argparse
import datetime
import json
import math
import operator
import os
import random
import shutil
import sys

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
NS = "urn:relief:claim-feed:1"

# Guangzhou districts, then other provinces' capitals (nonlocal hukou).
GZ_AREAS = ("440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115",
            "440117", "440118")
OTHER_AREAS = ("430102", "510104", "420102", "360102", "450102", "350102", "410102", "520102", "445102",
               "441302", "440301", "530102")

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢"
            "姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉婷雪琳晨宇浩然欣怡子轩梓涵一诺"
         "思远嘉怡俊杰家豪晓东海燕丹凤春梅秋菊冬梅立新卫东德华永强国强少华小龙美玲慧敏佳琪颖琦雅静宏伟")
RARE = "䶮堃喆昇赟玥珺"  # some outside GBK (䶮 is GB18030-only): the GBK trap of TOOLCHAIN.md

COMMON_DX = ("J18.9", "K35.8", "J06.9", "E11.9", "I10", "M54.5", "A09", "K29.7", "N39.0", "J44.1", "I25.1",
             "O80", "K80.2", "H25.9", "M17.1", "R50.9", "J20.9", "B34.9", "S06.0", "Z51.1")
SERIOUS_DX = ("C34.1", "C16.9", "C22.0", "C50.9", "C18.7", "C91.0", "I63.9", "I61.0", "I21.0", "N18.5", "D61.9",
              "D56.1", "Q21.0", "K72.9", "C71.9", "C92.0")
CHILD_DX = ("C91.0", "C92.0", "C81.9", "C64", "C69.2", "C71.9", "C74.0", "C40.2", "D56.1", "D61.9", "D66",
            "D68.0", "Q21.1", "Q25.0", "Q35.9", "Q37.1", "N18.5")
CHILD_COMMON_DX = ("J18.9", "J06.9", "A09", "K35.8", "J20.9", "B34.9", "R50.9", "S52.5")
ACCIDENT_DX = ("S72.0", "S06.0", "S82.2", "T30.0", "S52.5", "S32.0")
STUDENT_TYPES = ("university", "university", "university", "university", "college", "college", "research",
                 "vocational", "vocational", "technical", "technical")
BANKS = (("102581000013", "中国工商银行广州分行"), ("105581000016", "中国建设银行广州分行"),
         ("103581000012", "中国农业银行广州分行"), ("104581003017", "中国银行广州分行"),
         ("301581000019", "交通银行广州分行"), ("308581002011", "招商银行广州分行"))
HOSPITAL_KINDS = ("人民医院", "中医医院", "妇女儿童医疗中心", "第一人民医院", "中西医结合医院", "社区卫生服务中心",
                  "肿瘤医院", "胸科医院", "口腔医院", "红十字会医院")
DISTRICTS = ("越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区")

REJECTION_CODES = ("SCHEMA", "ID_CHECKSUM", "ID_MISMATCH", "AMOUNTS", "DATES", "DUPLICATE")


_DIGIT_BIAS = 48 * sum(WEIGHTS)


def check_char(body17):
    return CHECK[(sum(map(operator.mul, body17.encode(), WEIGHTS)) - _DIGIT_BIAS) % 11]


def fen(v):
    return f"{v // 100}.{v % 100:02d}"


def person_name(i, seed):
    """A name from a person's index: no per-person state to keep."""
    h = (i * 2654435761 + seed * 40503 + 12345) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 2246822519) & 0xFFFFFFFF
    h ^= h >> 13
    s = SURNAMES[h % len(SURNAMES)]
    g1 = GIVEN[(h >> 8) % len(GIVEN)]
    if (h >> 20) % 500 == 0:
        g1 = RARE[(h >> 9) % len(RARE)]
    if (h >> 16) % 3 == 0:
        return s + g1
    return s + g1 + GIVEN[(h >> 24) % len(GIVEN)]


class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.r = self.rng.random
        d = datetime.date.fromisoformat(a.date)
        self.day = d.toordinal()
        self.year = d.year
        self.iso_cache = {}
        self.ids = []          # registry identity numbers, by person index
        self.expected = dict.fromkeys(REJECTION_CODES, 0)
        self.seen_ids = set()

    def iso(self, o):
        s = self.iso_cache.get(o)
        if s is None:
            s = datetime.date.fromordinal(o).isoformat()
            if len(self.iso_cache) < 200000:
                self.iso_cache[o] = s
        return s

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def new_id(self, birth_ord, male, local):
        r = self.r
        while True:
            area = self.pick(GZ_AREAS) if local else self.pick(OTHER_AREAS)
            seq = int(r() * 500) * 2 + (1 if male else 0)
            body = area + datetime.date.fromordinal(birth_ord).strftime("%Y%m%d") + f"{seq:03d}"
            idn = body + check_char(body)
            if idn not in self.seen_ids:
                self.seen_ids.add(idn)
                return idn

    # ---- hospitals (SPEC 2.2) -------------------------------------------------
    def hospitals(self, path):
        r = self.r
        self.hosp = []
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("code,name,designated,account,bank_code,bank_name\n")
            for n in range(1, self.a.hospitals + 1):
                code = f"GZ{n:04d}"
                name = f"广州市{DISTRICTS[n % len(DISTRICTS)]}{HOSPITAL_KINDS[(n * 7) % len(HOSPITAL_KINDS)]}{n}号院区"
                designated = "true" if r() < 0.75 else "false"
                account = "".join(str(int(r() * 10)) for _ in range(19))
                bank = self.pick(BANKS)
                f.write(f"{code},{name},{designated},{account},{bank[0]},{bank[1]}\n")
                self.hosp.append(code)

    # ---- beneficiary registry (SPEC 2.3) -------------------------------------
    def registry(self, path):
        r = self.r
        yr = self.year
        parent_pool = []       # indices of adults aged 28-55 with a plausible family
        rows = []
        counts = {"children": 0, "with_parents": 0, "students": 0, "dibao": 0, "disability": 0, "hardship": 0}
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("id_number,name,hukou,dibao,disability,student,pension_months,residence_months,works_in_gz,"
                    "hardship,lives_with_parents,parents\n")
            for i in range(self.a.people):
                x = r()
                if x < 0.17 and len(parent_pool) >= 2:
                    age = int(r() * 18)            # 0-17, most of them <= 14
                elif x < 0.35:
                    age = 18 + int(r() * 13)       # 18-30
                elif x < 0.74:
                    age = 31 + int(r() * 30)       # 31-60
                else:
                    age = 61 + int(r() * 35)       # 61-95
                birth = self.day - age * 365 - int(r() * 365) - 1
                male = r() < 0.5
                local = r() < (0.55 if age < 18 else 0.6)
                idn = self.new_id(birth, male, local)
                self.ids.append(idn)
                hukou = "local" if local else "nonlocal"
                y = r()
                dibao = "urban" if y < 0.05 else ("rural" if y < 0.09 else "none")
                disability = "true" if r() < (0.03 if age < 18 else 0.05 if age <= 60 else 0.12) else "false"
                hardship = "true" if r() < (0.30 if age < 18 else 0.15 if age <= 60 else 0.25) else "false"
                student, pension, works, lives, parents = "none", 0, "false", "false", ""
                if age < 18:
                    counts["children"] += 1
                    residence = age * 12 + int(r() * 12) if local else int(r() * (age * 12 + 12))
                    lives = "true" if r() < 0.85 else "false"
                    p1 = parent_pool[int(r() * len(parent_pool))]
                    ps = [self.ids[p1]]
                    if r() < 0.7:
                        p2 = parent_pool[int(r() * len(parent_pool))]
                        if p2 != p1:
                            ps.append(self.ids[p2])
                    parents = ";".join(ps)
                    counts["with_parents"] += 1
                else:
                    residence = (age * 12 if r() < 0.8 else int(r() * age * 12)) if local else int(
                        r() * min(age - 15, 25) * 12)
                    if age <= 26 and r() < 0.35:
                        student = self.pick(STUDENT_TYPES)
                        counts["students"] += 1
                    elif age <= 60 and r() < 0.65:
                        works = "true"
                        pension = int(r() * (age - 17) * 12) if r() < 0.8 else 0
                    elif r() < 0.05:
                        works = "true"
                    if 28 <= age <= 55:
                        parent_pool.append(i)
                counts["dibao"] += dibao != "none"
                counts["disability"] += disability == "true"
                counts["hardship"] += hardship == "true"
                rows.append(f"{idn},{person_name(i, self.a.seed)},{hukou},{dibao},{disability},{student},{pension},"
                            f"{residence},{works},{hardship},{lives},{parents}\n")
                if len(rows) >= 5000:
                    f.write("".join(rows))
                    rows.clear()
            f.write("".join(rows))
        self.seen_ids = None   # registry done: no longer needed
        self.registry_counts = counts

    # ---- claims ----------------------------------------------------------------
    def claim(self, cid, feed_claims, created_day):
        """One claim's XML text and its Total (fen) as written."""
        r = self.r
        a = self.a
        # Who: mostly registry people (a few of them often), some strangers.
        if r() < 0.12 or not self.ids:
            age = int(r() * 90)
            birth = self.day - age * 365 - int(r() * 365) - 1
            male = r() < 0.5
            area = self.pick(GZ_AREAS) if r() < 0.5 else self.pick(OTHER_AREAS)
            body = area + self.iso(birth).replace("-", "") + f"{int(r() * 500) * 2 + male:03d}"
            idn = body + check_char(body)
            name = person_name(10_000_000 + int(r() * 1_000_000), a.seed)
        else:
            p = int(r() * r() * len(self.ids))
            idn = self.ids[p]
            name = person_name(p, a.seed)
        bdate = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
        birth = datetime.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14])).toordinal()
        sex = "M" if (ord(idn[16]) - 48) % 2 else "F"
        age = (created_day - birth) // 365
        inpatient = r() < 0.7
        discharge = created_day - int(r() * r() * 330)
        los = 1 + int(r() * r() * 30) if inpatient else 0
        if discharge - los < birth:           # a baby: keep the stay after the birth, before the feed
            los = min(los, created_day - birth)
            discharge = max(discharge, birth + los)
        admission = discharge - los
        x = r()
        accident = r() < 0.04
        if accident:
            dx = [self.pick(ACCIDENT_DX)]
        elif age <= 14:
            dx = [self.pick(CHILD_DX if x < 0.4 else CHILD_COMMON_DX)]
        else:
            dx = [self.pick(SERIOUS_DX if x < 0.3 else COMMON_DX)]
        if r() < 0.3:
            dx.append(self.pick(COMMON_DX))
            if r() < 0.3:
                dx.append(self.pick(COMMON_DX))
        if inpatient:
            total = int(math.pow(10, 5.7 + r() * 1.8))       # 5,000 - 315,000 yuan, in fen
        else:
            total = int(math.pow(10, 4.3 + r() * 1.4))       # 200 - 5,000 yuan
        ins = total * (40 + int(r() * 36)) // 100
        rest = total - ins
        inscope = rest * (55 + int(r() * 35)) // 100
        out = rest - inscope
        approval = f"LA-{self.year}-{int(r() * 9000) + 1000}" if r() < 0.02 else None
        accident_el = "true" if accident else ("false" if r() < 0.03 else None)
        vtype = "inpatient" if inpatient else "outpatient"
        ins_s = fen(ins)

        bad = None
        if r() * 1000 < a.invalid_permille:
            bad = REJECTION_CODES[int(r() * len(REJECTION_CODES))]
            if bad == "DUPLICATE" and not feed_claims:
                bad = None
        claim_id = cid
        if bad == "SCHEMA":
            k = int(r() * 4)
            if k == 0:
                sex = "U"
            elif k == 1:
                dx[0] = dx[0].lower()
            elif k == 2:
                ins_s = f"{ins // 100}.{ins % 100:02d}5"
            else:
                vtype = None        # a missing element
        elif bad == "ID_CHECKSUM":
            wrong = CHECK[(CHECK.index(idn[17]) + 1 + int(r() * 10)) % 11]
            idn = idn[:17] + wrong
        elif bad == "ID_MISMATCH":
            if r() < 0.5:
                bdate = self.iso(birth + 1)
            else:
                sex = "F" if sex == "M" else "M"
        elif bad == "AMOUNTS":
            total += 1 + int(r() * 100)
        elif bad == "DATES":
            if r() < 0.5 or admission == discharge:
                discharge = created_day + 1 + int(r() * 5)
                if admission > discharge:
                    admission = discharge
            else:
                admission, discharge = discharge, admission
        elif bad == "DUPLICATE":
            claim_id = feed_claims[int(r() * len(feed_claims))]
        if bad:
            self.expected[bad] += 1
        elif len(feed_claims) < 64:
            feed_claims.append(claim_id)
        elif r() < 0.05:
            feed_claims[int(r() * 64)] = claim_id

        parts = [
            "  <Claim>\n    <ClaimId>", claim_id, "</ClaimId>\n    <Patient>\n      <IdNumber>", idn,
            "</IdNumber>\n      <Name>", name, "</Name>\n      <BirthDate>", bdate, "</BirthDate>\n      <Sex>", sex,
            "</Sex>\n    </Patient>\n    <Visit>\n"]
        if vtype:
            parts += ["      <Type>", vtype, "</Type>\n"]
        parts += ["      <AdmissionDate>", self.iso(admission), "</AdmissionDate>\n      <DischargeDate>",
                  self.iso(discharge), "</DischargeDate>\n"]
        for d in dx:
            parts += ["      <Diagnosis>", d, "</Diagnosis>\n"]
        if accident_el:
            parts += ["      <Accident>", accident_el, "</Accident>\n"]
        parts += ["    </Visit>\n    <Costs>\n      <Total>", fen(total), "</Total>\n      <InsurancePaid>", ins_s,
                  "</InsurancePaid>\n      <InScopeSelfPay>", fen(inscope), "</InScopeSelfPay>\n      <OutOfScopeSelfPay>",
                  fen(out), "</OutOfScopeSelfPay>\n    </Costs>\n"]
        if approval:
            parts += ["    <SpecialApproval>", approval, "</SpecialApproval>\n"]
        parts.append("  </Claim>\n")
        return "".join(parts), total

    def feeds(self, folder):
        a = self.a
        os.makedirs(folder, exist_ok=True)
        created_day = self.day
        stamp = datetime.date.fromordinal(created_day).strftime("%Y%m%d")
        listing = []
        counter = 0
        for f in range(a.feeds):
            hosp = self.hosp[f % len(self.hosp)]
            nth = f // len(self.hosp) + 1
            feed_id = f"{hosp}-{stamp}-{nth:02d}"
            n = a.claims // a.feeds + (1 if f < a.claims % a.feeds else 0)
            if a.gb18030_every and f % a.gb18030_every == 1 % a.gb18030_every:
                declared = "GBK" if (f // a.gb18030_every) % 3 == 2 else "GB18030"
                codec = "gb18030"
            else:
                declared, codec = "UTF-8", "utf-8"
            path = os.path.join(folder, f"{feed_id}.xml")
            tmp = path + ".body"
            sum_fen = 0
            feed_claims = []
            with open(tmp, "wb") as body:
                chunk = []
                for _ in range(n):
                    counter += 1
                    text, total = self.claim(f"{hosp}C{counter:09d}", feed_claims, created_day)
                    sum_fen += total
                    chunk.append(text)
                    if len(chunk) >= 2000:
                        body.write("".join(chunk).encode(codec))
                        chunk.clear()
                body.write("".join(chunk).encode(codec))
            minute = (f * 7) % 60
            head = (f'<?xml version="1.0" encoding="{declared}"?>\n<ClaimFeed xmlns="{NS}">\n  <Header>\n'
                    f"    <FeedId>{feed_id}</FeedId>\n    <HospitalCode>{hosp}</HospitalCode>\n"
                    f"    <CreatedAt>{self.iso(created_day)}T22:{minute:02d}:00+08:00</CreatedAt>\n"
                    f"    <ClaimCount>{n}</ClaimCount>\n    <ControlSum>{fen(sum_fen)}</ControlSum>\n  </Header>\n")
            with open(path, "wb") as out, open(tmp, "rb") as body:
                out.write(head.encode(codec))
                shutil.copyfileobj(body, out, 1 << 20)
                out.write(b"</ClaimFeed>\n")
            os.remove(tmp)
            listing.append({"file": os.path.basename(path), "hospital": hosp, "feed_id": feed_id, "claims": n,
                            "encoding": declared, "bytes": os.path.getsize(path)})
        return listing


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, required=True, help="N claims in all")
    ap.add_argument("--feeds", type=int, default=0, help="M feeds (default: one per 5,000 claims, at least 1)")
    ap.add_argument("--hospitals", type=int, default=0, help="hospitals in the registry (default: min(M, 150))")
    ap.add_argument("--people", type=int, default=0, help="K people in the registry (default: N/4, at least 100)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--date", default="2026-11-28", help="the feeds' CreatedAt date (run the batch the day after)")
    ap.add_argument("--invalid-permille", type=float, default=30.0,
                    help="claims made invalid, per thousand, spread over the claim-level rejection codes")
    ap.add_argument("--gb18030-every", type=int, default=5, help="every Nth feed is GB18030 (0: none)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.claims < 0:
        ap.error("--claims must be >= 0")
    a.feeds = a.feeds or max(1, a.claims // 5000)
    a.hospitals = a.hospitals or min(a.feeds, 150)
    a.people = a.people or max(100, a.claims // 4)
    os.makedirs(a.out, exist_ok=True)
    g = Gen(a)
    g.hospitals(os.path.join(a.out, "hospitals.csv"))
    g.registry(os.path.join(a.out, "registry.csv"))
    listing = g.feeds(os.path.join(a.out, "feeds"))
    manifest = {
        "seed": a.seed, "date": a.date, "claims": a.claims, "feeds": a.feeds, "hospitals": a.hospitals,
        "people": a.people, "registry": g.registry_counts, "expected_rejections": g.expected,
        "expected_accepted": a.claims - sum(g.expected.values()),
        "feed_bytes": sum(x["bytes"] for x in listing), "feed_files": listing,
    }
    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{a.claims} claims in {a.feeds} feeds ({manifest['feed_bytes'] / 1e6:.1f} MB), {a.hospitals} hospitals, "
          f"{a.people} people; expected rejections {g.expected}", file=sys.stderr)


if __name__ == "__main__":
    main()
