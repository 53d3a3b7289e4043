"""Making matplotlib's SVG document an element to inline in HTML and in the PDF."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .drawing import FONT_FAMILY, WEB_FONT_FALLBACK

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


HREF = f"{{{XLINK_NS}}}href"
URL_REF = re.compile(r"url\(#([^)]+)\)")


def finish_svg(raw: bytes, *, prefix: str, title: str, desc: str) -> str:
    """Make matplotlib's SVG document an element to inline: drop the prolog, metadata and the
    global ``<style>`` (it would style the whole HTML page), turn inline styles into
    presentation attributes, keep only the ids something refers to and prefix them, add
    ``<title>``/``<desc>`` and the ARIA image role."""
    root = ET.fromstring(raw)  # noqa: S314 - our own matplotlib output, not user input
    _drop_metadata_and_style(root)
    referenced = _referenced_ids(root)
    for element in root.iter():
        _prefix_ids(element, prefix=prefix, referenced=referenced)
        _presentation_attributes(element)
    _label(root, prefix=prefix, title=title, desc=desc)
    # Plain tag names and a literal xmlns, not ET.register_namespace: that is process-wide
    # state, and WeasyPrint's own registrations would turn <svg> into <ns0:svg>.
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
    root.attrib = {"xmlns": SVG_NS, **root.attrib}
    return ET.tostring(root, encoding="unicode")


def _drop_metadata_and_style(root: ET.Element) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}defs" and len(child) == 0:
                parent.remove(child)


def _referenced_ids(root: ET.Element) -> set[str]:
    """The ids something in the document refers to, by ``url(#id)`` or ``href="#id"``."""
    referenced: set[str] = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            referenced.update(URL_REF.findall(value))
            if name in (HREF, "href") and value.startswith("#"):
                referenced.add(value[1:])
    return referenced


def _prefix_ids(element: ET.Element, *, prefix: str, referenced: set[str]) -> None:
    """Keep only the ids something refers to, prefixed so several charts can share a page."""

    def local(old: str) -> str:
        return f"{prefix}-{old}"

    if "id" in element.attrib:
        if element.attrib["id"] in referenced:
            element.set("id", local(element.attrib["id"]))
        else:
            del element.attrib["id"]
    for name, value in list(element.attrib.items()):
        if "url(#" in value:
            element.set(name, URL_REF.sub(lambda m: f"url(#{local(m.group(1))})", value))
        elif name in (HREF, "href") and value.startswith("#"):
            del element.attrib[name]
            element.set("href", "#" + local(value[1:]))  # SVG 2's href needs no xlink prefix


def _presentation_attributes(element: ET.Element) -> None:
    if "style" in element.attrib:
        # Presentation attributes instead of style="...": HTML engines (WeasyPrint's among
        # them) treat an inline style as CSS of the page, and a strict CSP blocks it.
        for declaration in element.attrib.pop("style").split(";"):
            name, _, value = declaration.partition(":")
            if name.strip():
                element.set(name.strip(), value.strip())
    if element.get("font-family") == f"'{FONT_FAMILY}'":
        element.set("font-family", WEB_FONT_FALLBACK)


def _label(root: ET.Element, *, prefix: str, title: str, desc: str) -> None:
    """``<title>`` and ``<desc>`` first, the ARIA image role, and the chart's class."""
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{prefix}-desc"})
    desc_element.text = desc
    root.insert(0, desc_element)
    root.insert(0, title_element)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("class", "iro-chart")
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.attrib.pop("version", None)
