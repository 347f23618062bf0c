"""Tagged PDF and PDF/A-2b for the certificate, written with ReportLab's own object model.

ReportLab draws but does not tag, and a second pass over the finished file (pikepdf, pyHanko)
would cost the renderer most of its speed. So the page's content is marked while it is drawn
(``BDC … EMC`` with a marked-content id around each heading, paragraph and figure; frames and
rules as artefacts) and the structure tree that points at those ids is added to the document
before ReportLab writes it:

- a ``Document`` element holding ``H1``, ``H2``, ``P`` and ``Figure`` elements in reading
  order (figures carry alternative text: the issuer's logo, the QR code and where it leads),
  the page's ``ParentTree`` and ``StructParents``, ``MarkInfo``/``Marked``, the language;
- PDF/A-2b: XMP metadata (``pdfaid:part 2``, ``conformance B``, and the same title, author,
  subject, keywords, producer and dates as the document information), an sRGB output intent
  (Little CMS's sRGB profile from Pillow), all fonts embedded (the renderer uses DejaVu only).

The canvas's operator list (``canvas._code``) is ReportLab's internal, stable since 2.x; the
tests read the result back (``pdfinfo -struct-text`` in reading order, XMP, output intent).
"""

import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFName,
    PDFPage,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas


@cache
def srgb_icc_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@dataclass
class _Element:
    role: str
    mcid: int
    alt: str = ""


@dataclass
class StructureTagger:
    """Marks what a canvas draws and builds the structure tree of its (single) page."""

    canvas: Canvas
    elements: list[_Element] = field(default_factory=list)

    @contextmanager
    def tag(self, role: str, alt: str = ""):
        mcid = len(self.elements)
        self.canvas._code.append(f"/{role} <</MCID {mcid}>> BDC")
        try:
            yield
        finally:
            self.canvas._code.append("EMC")
        self.elements.append(_Element(role, mcid, alt))

    @contextmanager
    def artifact(self):
        """Decoration (frame, rules): not read out."""
        self.canvas._code.append("/Artifact BMC")
        try:
            yield
        finally:
            self.canvas._code.append("EMC")

    def finish(self, *, lang: str, metadata: dict) -> None:
        """After ``showPage``, before ``save``: the structure tree, the catalog's tagging and
        PDF/A entries, and the page's link to its marked content."""
        doc = self.canvas._doc
        page = doc.Pages.pages[-1]
        page_ref = doc.Reference(page)
        page.__NoDefault__ = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = 0
        page.Tabs = PDFName("S")

        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        document = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName("Document")})
        document_ref = doc.Reference(document)
        kids, by_mcid = [], []
        for element in self.elements:
            entries = {
                "Type": PDFName("StructElem"),
                "S": PDFName(element.role),
                "P": document_ref,
                "Pg": page_ref,
                "K": element.mcid,
            }
            if element.alt:
                entries["Alt"] = PDFString(element.alt)
            ref = doc.Reference(PDFDictionary(entries))
            kids.append(ref)
            by_mcid.append(ref)
        document.dict.update({"P": root_ref, "K": PDFArray(kids), "Lang": PDFString(lang)})
        parent_tree = doc.Reference(PDFDictionary({"Nums": PDFArray([0, PDFArray(by_mcid)])}))
        root.dict.update({"K": document_ref, "ParentTree": parent_tree, "ParentTreeNextKey": 1})

        catalog = doc.Catalog
        catalog.__NoDefault__ = [*PDFCatalog.__NoDefault__, "OutputIntents"]
        catalog.StructTreeRoot = root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.ViewerPreferences = PDFDictionary({"DisplayDocTitle": "true"})
        catalog.Metadata = _xmp_stream(metadata)
        icc = PDFStream(PDFDictionary({"N": 3}), content=srgb_icc_profile(), filters=[])
        catalog.OutputIntents = PDFArray(
            [
                PDFDictionary(
                    {
                        "Type": PDFName("OutputIntent"),
                        "S": PDFName("GTS_PDFA1"),
                        "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
                        "Info": PDFString("sRGB IEC61966-2.1"),
                        "DestOutputProfile": doc.Reference(icc),
                    }
                )
            ]
        )


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{keywords}</pdf:Keywords>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _xmp_stream(metadata: dict) -> PDFStream:
    text = XMP.format(**{key: escape(str(value)) for key, value in metadata.items()})
    return PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        content=io.BytesIO(text.encode()).getvalue(),
        filters=[],
    )
