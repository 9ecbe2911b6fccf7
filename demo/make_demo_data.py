#!/usr/bin/env python3
"""Writes the bundled demo data (hospitals, registry, three feeds) into this
folder. Run once by a developer; the output is committed. All people and
accounts are invented; identity numbers are valid only by their check digit."""
import os

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"

def idn(area, birth, seq, male):
    seq = seq * 2 + (1 if male else 0)
    body = f"{area}{birth.replace('-', '')}{seq:03d}"
    return body + C[sum(int(d) * w for d, w in zip(body, W)) % 11]

here = os.path.dirname(os.path.abspath(__file__))
people = [
    # name, area, birth, seq, male, hukou, dibao, disability, student, pension, residence, works, hardship, lives, parents
    ("陈建国", "440103", "1968-03-12", 11, True, "local", "urban", "false", "none", 0, 400, "false", "true", "false", []),
    ("李小梅", "430102", "1999-09-01", 12, False, "nonlocal", "rural", "false", "university", 0, 30, "false", "true", "false", []),
    ("王强", "510104", "1985-06-20", 13, True, "nonlocal", "none", "false", "none", 48, 60, "true", "false", "false", []),
    ("赵敏", "420102", "1980-01-15", 14, False, "nonlocal", "none", "false", "none", 30, 36, "true", "false", "false", []),
    ("赵小宝", "420102", "2016-04-02", 15, True, "nonlocal", "none", "false", "none", 0, 36, "false", "true", "true", ["P4"]),
    ("黄丽", "440106", "1975-11-30", 16, False, "local", "none", "true", "none", 0, 500, "false", "true", "false", []),
]
ids = []
for p in people:
    ids.append(idn(p[1], p[2], p[3], p[4]))
with open(os.path.join(here, "registry.csv"), "w", encoding="utf-8") as f:
    f.write("id_number,name,hukou,dibao,disability,student,pension_months,residence_months,works_in_gz,hardship,lives_with_parents,parents\n")
    for i, p in enumerate(people):
        parents = ";".join(ids[int(x[1:]) - 1] for x in p[14])
        f.write(f"{ids[i]},{p[0]},{p[5]},{p[6]},{p[7]},{p[8]},{p[9]},{p[10]},{p[11]},{p[12]},{p[13]},{parents}\n")
with open(os.path.join(here, "hospitals.csv"), "w", encoding="utf-8") as f:
    f.write("code,name,designated,account,bank_code,bank_name\n")
    f.write("GZ001,广州市示范人民医院,true,3602000109001234567,102581000013,中国工商银行广州分行\n")
    f.write("GZ002,广州市示范社区卫生服务中心,false,44050146010100004321,105581000016,中国建设银行广州分行\n")

def claim(cid, who, adm, dis, diag, total, ins, inscope, outscope, accident=False, approval=None, bad_id=False):
    p = people[who]
    pid = ids[who]
    if bad_id:
        pid = pid[:-1] + ("0" if pid[-1] != "0" else "1")
    x = f"<Claim><ClaimId>{cid}</ClaimId><Patient><IdNumber>{pid}</IdNumber><Name>{p[0]}</Name>"
    x += f"<BirthDate>{p[2]}</BirthDate><Sex>{'M' if p[4] else 'F'}</Sex></Patient>"
    x += f"<Visit><Type>inpatient</Type><AdmissionDate>{adm}</AdmissionDate><DischargeDate>{dis}</DischargeDate>"
    x += "".join(f"<Diagnosis>{d}</Diagnosis>" for d in diag)
    if accident:
        x += "<Accident>true</Accident>"
    x += f"</Visit><Costs><Total>{total}</Total><InsurancePaid>{ins}</InsurancePaid><InScopeSelfPay>{inscope}</InScopeSelfPay>"
    x += f"<OutOfScopeSelfPay>{outscope}</OutOfScopeSelfPay></Costs>"
    if approval:
        x += f"<SpecialApproval>{approval}</SpecialApproval>"
    return x + "</Claim>\n", total

def feed(name, feed_id, hosp, created, claims):
    total = sum(int(t.replace(".", "")) for _, t in claims)
    body = "".join(c for c, _ in claims)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<ClaimFeed xmlns="urn:relief:claim-feed:1">\n'
           f"<Header><FeedId>{feed_id}</FeedId><HospitalCode>{hosp}</HospitalCode><CreatedAt>{created}</CreatedAt>"
           f"<ClaimCount>{len(claims)}</ClaimCount><ControlSum>{total // 100}.{total % 100:02d}</ControlSum></Header>\n"
           + body + "</ClaimFeed>\n")
    os.makedirs(os.path.join(here, "feeds"), exist_ok=True)
    with open(os.path.join(here, "feeds", name), "w", encoding="utf-8") as f:
        f.write(xml)

feed("gz001-20261127.xml", "GZ001-20261127-01", "GZ001", "2026-11-27T22:00:00+08:00", [
    claim("A1001", 0, "2026-10-02", "2026-10-20", ["C34.1"], "86000.00", "50000.00", "30000.00", "6000.00"),
    claim("A1002", 1, "2026-09-10", "2026-09-18", ["J18.9"], "12000.00", "4000.00", "7000.00", "1000.00"),
    claim("A1003", 2, "2026-08-01", "2026-08-15", ["K35.8"], "25000.00", "15000.00", "8000.00", "2000.00"),
    claim("A1004", 4, "2026-07-01", "2026-07-30", ["C91.0"], "60000.00", "30000.00", "25000.00", "5000.00"),
    claim("A1005", 2, "2026-08-01", "2026-08-15", ["K35.8"], "25000.00", "15000.00", "8000.00", "2001.00"),
])
feed("gz001-20261128.xml", "GZ001-20261128-01", "GZ001", "2026-11-28T22:00:00+08:00", [
    claim("A1006", 5, "2026-11-01", "2026-11-12", ["I63.9"], "48000.00", "30000.00", "15000.00", "3000.00"),
    claim("A1007", 0, "2026-11-15", "2026-11-25", ["C34.1"], "300000.00", "100000.00", "180000.00", "20000.00"),
    claim("A1008", 3, "2026-11-02", "2026-11-03", ["J06.9"], "3000.00", "1000.00", "1500.00", "500.00", bad_id=True),
])
feed("gz002-20261128.xml", "GZ002-20261128-01", "GZ002", "2026-11-28T21:30:00+08:00", [
    claim("B2001", 5, "2026-11-20", "2026-11-21", ["S72.0"], "9000.00", "2000.00", "6000.00", "1000.00", accident=True, approval="LA-2026-0042"),
    claim("B2002", 3, "2026-10-05", "2026-10-06", ["J18.9"], "5200.00", "1200.00", "3000.00", "1000.00"),
])
