"""Generated sections of a document: the text between a start and an end marker."""


def rewrite(page, section, start, end):
    """``page`` with its generated section (``start`` to ``end``) replaced by ``section``.

    ``section`` starts with the ``start`` marker and ends with the ``end`` one; a ValueError
    names the markers when the page lacks them.
    """
    if start not in page or end not in page:
        raise ValueError(f"the page has no {start} ... {end} section")
    head, rest = page.split(start, 1)
    return head + section + rest.split(end, 1)[1]
