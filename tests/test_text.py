from locator.text import fold


def test_fold_lowercases_and_strips_latin_accents():
    assert fold("Évry-Courcouronnes") == "evry-courcouronnes"
    assert fold("  São   Paulo ") == "sao paulo"
    assert fold("Straße Œuvre Łódź") == "strasse oeuvre lodz"


def test_fold_keeps_letters_whose_mark_makes_another_letter():
    assert fold("Й") == "й"
    assert fold("ガ") == "ガ"
    assert fold("Αθήνα") == "αθηνα"


def test_fold_of_nothing_is_empty():
    assert fold("") == ""
