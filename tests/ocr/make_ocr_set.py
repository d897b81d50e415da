#!/usr/bin/python3
"""Real-OCR development set: renders documents with hand-checked gold to
scan-like page images and runs Debian's tesseract on them.

usage:
  tests/ocr/make_ocr_set.py [--shared ../shared] [--out tests/ocr/set]
                            [--seeds 1,2,3] [--models vie,eng] [--dpi 250]
                            [--only NAME] [--keep-images DIR]
  tests/ocr/make_ocr_set.py --smoke OUT_DIR [--model vie]   (one short page)

Run it with Debian's /usr/bin/python3 (Pillow comes from python3-pil).
Packages (Debian 12):

    apt-get install -y tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng \
        python3-pil fonts-liberation2

The documents (DOCUMENTS below) are the ones whose clean text vanban
scores well and whose gold was written by hand: the clean seeds and the
clean tests/devgold documents.  Each is laid out as an office prints it
(two-column header, centred type and title, justified body with indented
paragraphs, page numbers from page 2, signature block on the right) in
Liberation Serif (Times New Roman's metrics, Vietnamese coverage checked
glyph by glyph), A4 at --dpi, then degraded per page from the noise seed
(rotation within +-1 degree, blur, grey paper, noise, speckles, JPEG) and
read with `tesseract -l vie` and `-l eng`.  The OCR text goes to
OUT/NAME.MODEL.sSEED.txt.gz and OUT/MANIFEST.tsv says which gold scores it
(tests/ocr/score.py).  Gold spans are not scored, so the clean document's
gold applies to its OCR text.  Only the text is kept, never the images.
"""
import argparse
import gzip
import io
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (name, text relative to ../shared, gold relative to the project root)
DOCUMENTS = [
    ("seed001", "seeds/001_1bc2d070c48e10bd.txt", "../shared/gold/001_1bc2d070c48e10bd.json"),
    ("seed002", "seeds/002_12a459f3e5ae272a.txt", "../shared/gold/002_12a459f3e5ae272a.json"),
    ("ct21-ttg", "corpus/hrmaster1982-phapluat-8chude/chi-thi_chi-thi-so-21-ct-ttg-469580.txt",
     "tests/devgold/hrmaster_chi-thi_21-CT-TTg-congbao.json"),
    ("kh-hiep-thuong", "corpus/lahieu11-baucu-luongminh/ke-hoach_docx-text_Ke-hoach-to-chuc-HN-hiep-thuong-lan-thu-hai.txt",
     "tests/devgold/lahieu11_docx_ke-hoach-hiep-thuong-lan-hai.json"),
    ("ct06-ubnd", "corpus/tnt305-tai-lieu-noi-bo/chi-thi_06-CT-UBND_4f30202155d56bdd.txt",
     "tests/devgold/tnt305_chi-thi_06-CT-UBND.json"),
    ("kh0124", "corpus/tnt305-tai-lieu-noi-bo/ke-hoach_0124-KH-UBND_556b2fb4a0149576.txt",
     "tests/devgold/tnt305_ke-hoach_0124-KH-UBND.json"),
    ("kh159", "corpus/tnt305-tai-lieu-noi-bo/ke-hoach_159-KH-UBND_d40513a8b25883ec.txt",
     "tests/devgold/tnt305_ke-hoach_159-KH-UBND.json"),
    ("tb636", "corpus/tnt305-tai-lieu-noi-bo/thong-bao_636-TB-VPCP_98be6e047028fade.txt",
     "tests/devgold/tnt305_thong-bao_636-TB-VPCP.json"),
    ("tb983", "corpus/tnt305-tai-lieu-noi-bo/thong-bao_983-TB-CT_299dbc033cf2dcb6.txt",
     "tests/devgold/tnt305_thong-bao_983-TB-CT-banner.json"),
]

FONT_DIRS = ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
             "/usr/share/fonts/truetype/noto"]
FONT_FILES = {  # style -> candidates, first found wins
    "regular": ["LiberationSerif-Regular.ttf", "NotoSerif-Regular.ttf"],
    "bold": ["LiberationSerif-Bold.ttf", "NotoSerif-Bold.ttf"],
    "italic": ["LiberationSerif-Italic.ttf", "NotoSerif-Italic.ttf"],
}
VIETNAMESE = ("ĂÂĐÊÔƠƯăâđêôơư"
              "ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộ"
              "ỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹÀàÁáÃãÈèÉéÌìÍíĨĩÒòÓóÕõÙùÚúŨũÝý")

TYPE_WORDS = ["KẾ HOẠCH", "CHỈ THỊ", "THÔNG BÁO", "QUYẾT ĐỊNH", "HƯỚNG DẪN", "BÁO CÁO",
              "NGHỊ QUYẾT", "CÔNG VĂN", "TỜ TRÌNH", "CHƯƠNG TRÌNH", "QUY CHẾ", "KẾT LUẬN"]
RIGHT_HEADER = re.compile(r"^(CỘNG HÒA|CỘNG HOÀ|CHỦ NGHĨA VIỆT NAM|Độc lập)|, ngày|^ngày |^tháng \d")
MARKER = re.compile(r"^([IVXLC]+\.|\d+(\.\d+)*\.|[a-zđ]\)|[-+•–]\s|Điều \d|Chương |Mục \d|Phần )")
SIGN_TITLE = re.compile(r"^(TM\.|KT\.|Q\.|TL\.|TUQ\.|CHỦ TỊCH|PHÓ CHỦ|GIÁM ĐỐC|PHÓ GIÁM|BỘ TRƯỞNG|"
                        r"THỦ TƯỚNG|PHÓ THỦ|CHÁNH VĂN|TRƯỞNG BAN|BÍ THƯ)")


def fail(msg):
    print("make_ocr_set: " + msg, file=sys.stderr)
    sys.exit(1)


def load_fonts(px):
    fonts = {}
    for style, names in FONT_FILES.items():
        path = next((os.path.join(d, n) for n in names for d in FONT_DIRS
                     if os.path.exists(os.path.join(d, n))), None)
        if path is None:
            fail("no serif font (apt-get install fonts-liberation2)")
        fonts[style] = path
    return lambda style, size=px: ImageFont.truetype(fonts[style], size)


def check_coverage(font, text):
    """Every letter of the text (and the whole Vietnamese alphabet) has a
    glyph of its own: a character the font lacks renders as .notdef, the
    same bitmap as a private-use code point."""
    notdef = font.getmask("\ue000")
    nd = (notdef.size, bytes(notdef))
    missing = sorted({c for c in set(text) | set(VIETNAMESE)
                      if c.isalpha() and (font.getmask(c).size, bytes(font.getmask(c))) == nd})
    if missing:
        fail("font lacks glyphs for %s" % "".join(missing))


# --- text: Markdown and converter marks off, paragraphs back ---------------

def plain_lines(text):
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\u00a0", " ")
    raw, out = [], []
    for line in text.split("\n"):
        # a bold or italic run the converter wrapped is one line on paper
        if raw and raw[-1][1] < 3 and odd_marks(raw[-1][0]) and line.strip():
            raw[-1] = (raw[-1][0] + " " + line.strip(), raw[-1][1] + 1)
        else:
            raw.append((line, 0))
    for line, _ in raw:
        if re.fullmatch(r"\s*[-_=]{3,}\s*", line):
            out.append("<rule>")
            continue
        s = line.replace("**", "").replace("__", "")
        s = re.sub(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", s)
        s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
        s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", s)
        s = re.sub(r"^#+\s*", "", s)
        s = s.strip()
        if re.fullmatch(r"[|*\s]*", s) and s:
            s = ""
        if s.startswith("|") or s.endswith("|"):
            s = re.sub(r"\s*\|\s*", "   ", s).strip()
        if re.fullmatch(r"[-_=]{3,}", s):
            s = "<rule>"
        out.append(s)
    return out


def odd_marks(line):
    bold = line.count("**")
    single = len(re.findall(r"(?<!\*)\*(?!\*)", line))
    return bold % 2 == 1 or single % 2 == 1


def is_type_line(s):
    return unicodedata.normalize("NFC", s).strip().upper() in TYPE_WORDS and s.strip().isupper()


def paragraphs(lines):
    """Lines of one block into paragraphs: a new one where a line opens
    with a list marker, or after a line that ends a sentence and before
    one that starts upper case; otherwise the hard wrap is undone."""
    paras, cur = [], []
    for s in lines:
        if s == "<rule>":
            continue
        if cur and (MARKER.match(s) or (re.search(r"[.:;!?]$", cur[-1]) and s[:1].isupper())):
            paras.append(" ".join(cur))
            cur = []
        cur.append(s)
    if cur:
        paras.append(" ".join(cur))
    return paras


def blocks(lines):
    cur = []
    for s in lines:
        if s == "":
            if cur:
                yield cur
                cur = []
        else:
            cur.append(s)
    if cur:
        yield cur


def layout_document(text):
    """The document as a list of layout items:
    ("header", left_lines, right_lines), ("center", text, style),
    ("para", text, style, indent), ("closing", left_lines, right_lines),
    ("plain", text)."""
    lines = plain_lines(text)
    t = next((i for i, s in enumerate(lines) if is_type_line(s)), None)
    items = []
    if t is not None and t < 60:
        left, right, top = [], [], []
        head = [s for s in lines[:t] if s and s != "<rule>"]
        joined = []
        for s in head:  # a place-and-date line wrapped before its month
            if joined and re.search(r", ngày\s*\d*\s*$", joined[-1]) and re.match(r"^\d*\s*tháng", s):
                joined[-1] += " " + s
            else:
                joined.append(s)
        for s in joined:
            if re.match(r"^(CÔNG BÁO|\d{1,3}$)", s):
                top.append(s)
            elif RIGHT_HEADER.search(s):
                right.append(s)
            else:
                left.append(s.lstrip("/"))
        for s in top:
            items.append(("center", s, "regular"))
        items.append(("header", left, right))
        items.append(("center", lines[t], "bold"))
        i = t + 1
        while i < len(lines) and lines[i] == "":
            i += 1
        title = []
        while i < len(lines) and len(title) < 5:
            if lines[i] == "":  # a title wrapped with blank lines between (docx text)
                j = i
                while j < len(lines) and lines[j] == "":
                    j += 1
                if title and j < len(lines) and lines[j][:1].islower():
                    i = j
                    continue
                break
            if lines[i] != "<rule>":
                title.append(lines[i])
            i += 1
        if title:
            for s in wrap_title(" ".join(title)):
                items.append(("center", s, "bold"))
        body = lines[i:]
    else:
        body = lines
    # closing: from "Nơi nhận" or the first signer title among the last lines
    n = len(body)
    c = next((k for k in range(n) if body[k].startswith("Nơi nhận")), None)
    sig = next((k for k in range(max(0, n - 40), n) if SIGN_TITLE.match(body[k])), None)
    if c is None or (sig is not None and sig < c):
        c = sig
    if c is not None and n - c > 60:
        c = None  # a long trailer after the signer stays text
    main_body, closing = (body[:c], body[c:]) if c is not None else (body, [])
    for blk in blocks(main_body):
        for p in paragraphs(blk):
            heading = bool(re.match(r"^([IVXLC]+\.|[A-Z]\.|Chương [IVXLC\d]+|Điều \d+|Phần [IVXLC\d]+)\W", p)) or (p.isupper() and len(p) < 120)
            items.append(("para", p, "bold" if heading else "regular", not heading))
    if closing:
        left, right = [], []
        for s in closing:
            if not s or s == "<rule>":
                continue
            # the recipients' list on the left, a wrapped recipient with it
            if s.startswith(("Nơi nhận", "-")) or (left and not right and not SIGN_TITLE.match(s)
                                                   and (not re.search(r"[;.]$", left[-1]) or s[:1].islower())):
                left.append(s)
            else:
                right.append(s)
        items.append(("closing", left, right))
    return items


def wrap_title(s, width=70):
    words, out, cur = s.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = (cur + " " + w).strip()
    if cur:
        out.append(cur)
    return out


# --- rendering ---------------------------------------------------------------

class Pages:
    def __init__(self, dpi, font):
        self.dpi = dpi
        mm = dpi / 25.4
        self.w, self.h = int(210 * mm), int(297 * mm)
        self.left, self.right = int(30 * mm), int(self.w - 15 * mm)
        self.top, self.bottom = int(20 * mm), int(self.h - 20 * mm)
        self.pt = dpi / 72.0
        self.font = font
        self.pages = []
        self.new_page()

    def new_page(self):
        self.img = Image.new("L", (self.w, self.h), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.pages.append(self.img)
        self.y = self.top
        if len(self.pages) > 1:  # page number, top centre, as offices print it
            f = self.font("regular", int(12 * self.pt))
            s = str(len(self.pages))
            self.draw.text(((self.w - self.draw.textlength(s, font=f)) / 2, self.top - int(8 * self.dpi / 25.4)),
                           s, font=f, fill=0)
            self.y = self.top + int(4 * self.dpi / 25.4)

    def need(self, height):
        if self.y + height > self.bottom:
            self.new_page()

    def line_height(self, f):
        return int(f.size * 1.35)

    def text_at(self, x, s, f):
        self.draw.text((x, self.y), s, font=f, fill=0)

    def wrap(self, s, f, width, first_indent=0):
        words, lines, cur, avail = s.split(), [], [], width - first_indent
        for w in words:
            trial = " ".join(cur + [w])
            if cur and self.draw.textlength(trial, font=f) > avail:
                lines.append(cur)
                cur, avail = [w], width
            else:
                cur.append(w)
        if cur:
            lines.append(cur)
        return lines

    def paragraph(self, s, style, indent, size=13):
        f = self.font(style, int(size * self.pt))
        width = self.right - self.left
        ind = int(12.7 * self.dpi / 25.4) if indent else int(12.7 * self.dpi / 25.4)
        lines = self.wrap(s, f, width, ind)
        lh = self.line_height(f)
        for k, words in enumerate(lines):
            self.need(lh)
            x0 = self.left + (ind if k == 0 else 0)
            avail = self.right - x0
            if k < len(lines) - 1 and len(words) > 1:  # justified
                wl = sum(self.draw.textlength(w, font=f) for w in words)
                gap = (avail - wl) / (len(words) - 1)
                if gap > 3 * self.draw.textlength(" ", font=f):
                    gap = self.draw.textlength(" ", font=f)
                x = x0
                for w in words:
                    self.draw.text((x, self.y), w, font=f, fill=0)
                    x += self.draw.textlength(w, font=f) + gap
            else:
                self.text_at(x0, " ".join(words), f)
            self.y += lh
        self.y += int(lh * 0.25)

    def center(self, s, style, size=13):
        f = self.font(style, int(size * self.pt))
        for words in self.wrap(s, f, self.right - self.left):
            t = " ".join(words)
            self.need(self.line_height(f))
            self.text_at(self.left + (self.right - self.left - self.draw.textlength(t, font=f)) / 2, t, f)
            self.y += self.line_height(f)

    def columns(self, left, right, size=12, split=0.42, bold_left=0, bold_right=2, rule=True):
        """Two columns, each line centred in its column (header, signature)."""
        f = {"regular": self.font("regular", int(size * self.pt)), "bold": self.font("bold", int(size * self.pt)),
             "italic": self.font("italic", int(size * self.pt))}
        lh = self.line_height(f["regular"])
        mid = self.left + int((self.right - self.left) * split) - int(15 * self.dpi / 25.4)
        cols = [(self.left - int(10 * self.dpi / 25.4), mid, left), (mid, self.right, right)]
        rows = max(len(left), len(right))
        self.need(lh * min(rows, 8))
        y0, ybottom = self.y, self.y
        for ci, (x0, x1, lines) in enumerate(cols):
            self.y = y0
            for k, s in enumerate(lines):
                style = "regular"
                if ci == 0 and (k < bold_left or (s.isupper() and not s.startswith("Số"))):
                    style = "bold"
                if ci == 1 and (k < bold_right or s.startswith("Độc lập")):
                    style = "bold"
                if re.search(r"ngày|tháng", s) and not s.startswith("Số"):
                    style = "italic"
                fnt = f[style]
                for words in self.wrap(s, fnt, x1 - x0):
                    t = " ".join(words)
                    self.need(lh)
                    self.text_at(x0 + (x1 - x0 - self.draw.textlength(t, font=fnt)) / 2, t, fnt)
                    self.y += lh
                if rule and s.startswith(("Độc lập", "Hạnh")) or (rule and ci == 0 and k == len(lines) - 2
                                                                 and lines[-1].startswith("Số")):
                    cx = (x0 + x1) / 2
                    half = (x1 - x0) * (0.3 if ci == 1 else 0.15)
                    self.draw.line((cx - half, self.y + 2, cx + half, self.y + 2), fill=0, width=max(1, self.dpi // 150))
                    self.y += lh // 3
            ybottom = max(ybottom, self.y)
        self.y = ybottom + lh // 2


def render(items, dpi, font):
    pg = Pages(dpi, font)
    for it in items:
        kind = it[0]
        if kind == "header":
            pg.columns(it[1], it[2])
            pg.y += int(pg.line_height(font("regular", int(13 * pg.pt))) * 0.5)
        elif kind == "center":
            pg.center(it[1], it[2])
        elif kind == "para":
            pg.paragraph(it[1], it[2], it[3])
        elif kind == "closing":
            pg.y += pg.line_height(font("regular", int(13 * pg.pt)))
            pg.columns(it[1], it[2], size=11, split=0.5, bold_right=2, rule=False)
    return pg.pages


def degrade(img, rng, dpi):
    """A page as a flatbed scan of a printed copy gives it."""
    # toner: slightly uneven darkness, paper a little grey
    paper = rng.randint(228, 246)
    ink = rng.randint(15, 55)
    lut = [int(ink + (paper - ink) * v / 255.0) for v in range(256)]
    img = img.point(lut)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.1) * dpi / 250.0))
    angle = rng.uniform(-1.0, 1.0)
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=paper)
    # noise: gaussian grain plus dust specks
    noise = Image.effect_noise(img.size, rng.uniform(8, 20))
    img = Image.blend(img, noise, rng.uniform(0.08, 0.16))
    img = img.point(lambda v: min(255, int(v * 1.12)))
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(40, 200)):
        x, y, r = rng.randrange(img.size[0]), rng.randrange(img.size[1]), rng.uniform(0.4, 1.8)
        d.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(40, 140))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(35, 70))
    return buf.getvalue()


def ocr(jpeg_pages, model, dpi, tmp):
    out = []
    for k, data in enumerate(jpeg_pages):
        path = os.path.join(tmp, "page%03d.jpg" % k)
        with open(path, "wb") as fh:
            fh.write(data)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        p = subprocess.run(["tesseract", path, "stdout", "-l", model, "--dpi", str(dpi)],
                           capture_output=True, env=env)
        if p.returncode != 0:
            fail("tesseract failed: %s" % p.stderr.decode("utf-8", "replace")[-400:])
        out.append(p.stdout.decode("utf-8"))  # each page ends in a form feed, as tesseract prints it
    return "".join(out)


def check_tools(models):
    try:
        p = subprocess.run(["tesseract", "--list-langs"], capture_output=True)
    except FileNotFoundError:
        fail("no tesseract: apt-get install -y tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng")
    langs = p.stdout.decode() + p.stderr.decode()
    for m in models:
        if not re.search(r"^%s$" % m, langs, re.M):
            fail("tesseract has no '%s' model: apt-get install -y tesseract-ocr-%s" % (m, m))


def make_one(text, seed, model, dpi, keep=None, name="doc"):
    font = load_fonts(int(13 * dpi / 72.0))
    check_coverage(font("regular"), text)
    check_coverage(font("bold"), text)
    pages = render(layout_document(text), dpi, font)
    rng = random.Random("%s/%d" % (name, seed))
    jpegs = [degrade(p, rng, dpi) for p in pages]
    if keep:
        os.makedirs(keep, exist_ok=True)
        for k, j in enumerate(jpegs):
            with open(os.path.join(keep, "%s.s%d.p%d.jpg" % (name, seed, k + 1)), "wb") as fh:
                fh.write(j)
    with tempfile.TemporaryDirectory() as tmp:
        return ocr(jpegs, model, dpi, tmp), len(pages)


# A short plan (one page) for the smoke test: its header, sections and
# dates are known, so the test can check what vanban reads from the OCR.
SMOKE = """ỦY BAN NHÂN DÂN
XÃ TÂN HÒA
Số: 45/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tân Hòa, ngày 12 tháng 3 năm 2024

KẾ HOẠCH
Tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2024

Thực hiện Kế hoạch số 17/KH-UBND ngày 02/02/2024 của Ủy ban nhân dân huyện, Ủy ban nhân dân xã ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của Nhân dân về công tác bảo vệ an ninh trật tự ở cơ sở.
2. Tổ chức trang trọng, tiết kiệm, đúng thời gian.

II. NỘI DUNG
1. Thời gian: từ ngày 15/7/2024 đến ngày 19/8/2024.
2. Địa điểm: Hội trường Ủy ban nhân dân xã.

III. TỔ CHỨC THỰC HIỆN
1. Công an xã chủ trì, báo cáo kết quả về Ủy ban nhân dân xã trước ngày 25/8/2024.
2. Các ấp phối hợp thực hiện.

Nơi nhận:
- UBND huyện;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn An
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(HERE, "set"))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--models", default="vie,eng")
    ap.add_argument("--dpi", type=int, default=250)
    ap.add_argument("--only", help="one document name (DOCUMENTS)")
    ap.add_argument("--keep-images", help="also write the page images here (never commit them)")
    ap.add_argument("--smoke", metavar="OUT_DIR", help="render and OCR the built-in one-page plan only")
    ap.add_argument("--model", default="vie", help="the model of --smoke")
    args = ap.parse_args()

    if args.smoke:
        check_tools([args.model])
        text, n = make_one(SMOKE, 1, args.model, args.dpi, args.keep_images, "smoke")
        os.makedirs(args.smoke, exist_ok=True)
        with open(os.path.join(args.smoke, "smoke.txt"), "w", encoding="utf-8") as fh:
            fh.write(SMOKE)
        with open(os.path.join(args.smoke, "smoke.%s.txt" % args.model), "w", encoding="utf-8") as fh:
            fh.write(text)
        print("smoke: %d page(s), %d characters of OCR text" % (n, len(text)))
        return 0

    models = args.models.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    check_tools(models)
    os.makedirs(args.out, exist_ok=True)
    manifest = os.path.join(args.out, "MANIFEST.tsv")
    rows = {}
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as fh:
            for line in fh:
                if line.strip() and not line.startswith("#") and not line.startswith("file\t"):
                    rows[line.split("\t")[0]] = line.rstrip("\n")
    for name, src, gold in DOCUMENTS:
        if args.only and name != args.only:
            continue
        with open(os.path.join(args.shared, src), encoding="utf-8") as fh:
            text = fh.read()
        for model in models:
            for seed in seeds:
                fname = "%s.%s.s%d.txt.gz" % (name, model, seed)
                out, n = make_one(text, seed, model, args.dpi, args.keep_images, name)
                with gzip.GzipFile(os.path.join(args.out, fname), "wb", mtime=0) as fh:
                    fh.write(out.encode("utf-8"))
                rows[fname] = "\t".join([fname, name, gold, model, str(seed), str(args.dpi), str(n), src])
                print("%s: %d pages, %d characters" % (fname, n, len(out)), flush=True)
                with open(manifest, "w", encoding="utf-8") as fh:
                    fh.write("file\tdocument\tgold\tmodel\tseed\tdpi\tpages\tsource\n")
                    for k in sorted(rows):
                        fh.write(rows[k] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
