"""The medication log and the formulary: look-alike names are never silently swapped."""

from __future__ import annotations

from datetime import datetime

import pytest
from tools_helpers import PARIS, PINNED, Clock, call, make_ctx

from assistant.tools import ErrorCode, Registry
from assistant.tools.formulary import ACCEPT, MARGIN, Status, core, load
from assistant.tools.medication import (
    an_everyday_thing,
    bought_not_taken,
    names_a_medicine,
    names_medicine,
    normalise_unit,
    tools,
)

LASA_PAIRS = [
    ("hydroxyzine", "hydralazine"), ("clonidine", "clonazepam"), ("tramadol", "trazodone"),
    ("lamotrigine", "lamivudine"), ("metformin", "metronidazole"), ("celecoxib", "citalopram"),
    ("celecoxib", "fosphenytoin"), ("prednisone", "prednisolone"), ("glipizide", "glyburide"),
    ("hydroxychloroquine", "hydroxyzine"), ("levothyroxine", "liothyronine"),
    ("risperidone", "ropinirole"), ("sertraline", "cetirizine"), ("quinine", "quinidine"),
]


@pytest.fixture
def med(tmp_path):
    clock = Clock()
    ctx = make_ctx(tmp_path, now=clock)
    yield Registry(tools(ctx)), ctx, clock
    ctx.store.close()


def doses(registry, day="today"):
    return call(registry, "list_doses", day=day).data["doses"]


def generic_of(name: str) -> str:
    drug = load().exact(name)
    assert drug is not None, name
    return drug.generic


# --- the formulary --------------------------------------------------------------------------


def test_formulary_size_and_lasa_pairs():
    formulary = load()
    assert len(formulary) >= 150
    for a, b in LASA_PAIRS:
        assert b in formulary.drugs[a].lasa and a in formulary.drugs[b].lasa, (a, b)
    for drug in formulary.drugs.values():  # partners are real entries, listed both ways
        for partner in drug.lasa:
            assert drug.generic in formulary.drugs[partner].lasa, (drug.generic, partner)
    assert generic_of("Klonopin") == "clonazepam"
    assert generic_of("celebrex") == "celecoxib"
    assert generic_of("Celexa") == "citalopram"
    assert generic_of("cerebyx") == "fosphenytoin"
    assert "levothyroxine" in formulary.drugs and "synthroid" in formulary.names()


@pytest.mark.parametrize("name", sorted({n for pair in LASA_PAIRS for n in pair}))
def test_every_lasa_name_resolves_exactly_to_itself(name):
    match = load().resolve(name)
    assert match.status == Status.EXACT and match.drug is not None and match.drug.generic == name


@pytest.mark.parametrize(("said", "generic"), [
    ("hydroxizine", "hydroxyzine"),  # one letter off hydroxyzine, far from hydralazine
    ("hydroxazine", "hydroxyzine"),  # Whisper's mishearing of hydroxyzine
    ("levothyroxin", "levothyroxine"),
    ("metformin 500 mg", "metformin"),
    ("Metoprolol Succinate ER", "metoprolol"),
    ("clonodine", "clonidine"),
])
def test_close_to_one_entry_resolves(said, generic):
    match = load().resolve(said)
    assert match.drug is not None and match.drug.generic == generic, match


@pytest.mark.parametrize(("said", "generic"), [
    # British brands and names of one medicine each (not combinations such as co-codamol).
    ("Nurofen", "ibuprofen"), ("calpol", "acetaminophen"), ("Zirtek", "cetirizine"),
    ("co-amoxiclav", "amoxicillin-clavulanate"), ("ferrous sulphate", "ferrous sulfate"),
    ("Oramorph", "morphine"), ("Losec", "omeprazole"), ("Clarityn", "loratadine"),
])
def test_british_names_resolve_exactly(said, generic):
    match = load().resolve(said)
    assert match.status == Status.EXACT and match.drug is not None, match
    assert match.drug.generic == generic


@pytest.mark.parametrize(("said", "generic"), [
    # What users across the UK, US, Canada, Australia and India call their medicines
    # (data/formulary-world.csv), combinations by their approved names.
    ("co-codamol", "co-codamol"), ("Solpadeine", "co-codamol"), ("thyroxine", "levothyroxine"),
    ("NovoRapid", "insulin aspart"), ("Symbicort", "budesonide and formoterol"),
    ("zopiclone", "zopiclone"), ("Crocin", "acetaminophen"), ("Somac", "pantoprazole"),
    ("alendronic acid", "alendronate"), ("vit d", "cholecalciferol"), ("GTN", "nitroglycerin"),
    ("Sudafed", "pseudoephedrine"), ("fish oil", "omega-3 fatty acids"),
    # a form word after the name
    ("Ventolin inhaler", "albuterol"), ("Xalatan eye drops", "latanoprost"),
    ("Calpol syrup", "acetaminophen"), ("nicotine patches", "nicotine"),
])
def test_names_from_the_world_list_resolve_exactly(said, generic):
    match = load().resolve(said)
    assert match.status == Status.EXACT and match.drug is not None, match
    assert match.drug.generic == generic


def test_a_name_spelt_as_another_entrys_is_matched_exactly_only():
    # "tylenol 3" (co-codamol) has Tylenol's letters: a misspelt Tylenol is still Tylenol.
    assert generic_of("tylenol 3") == "co-codamol"
    match = load().resolve("telenol")
    assert match.drug is not None and match.drug.generic == "acetaminophen", match


def test_the_world_list_only_adds_to_the_core():
    world, first = load(), core()
    assert set(first.drugs) < set(world.drugs) and set(first.names()) < set(world.names())
    for generic, drug in first.drugs.items():  # a generic of both keeps its first names first
        assert world.drugs[generic].aliases[:len(drug.aliases)] == drug.aliases
    assert core().exact("thyroxine") is None and load().exact("thyroxine") is not None


def test_a_word_is_matched_closely_against_the_core_list_only():
    # "temp" begins Tempra and "zone" Zonegran, names of the world list.
    assert not names_medicine("temp in Phoenix now")
    assert not names_medicine("What time zone is Chicago in?")
    assert names_medicine("two Solpadeine dissolved in water")  # exactly, from either list
    assert names_a_medicine("how long does a Lemsip take to kick in")


def test_hydroxizine_is_clearly_closer_to_hydroxyzine():
    scores = dict(load().scores("hydroxizine"))
    assert scores["hydroxyzine"] >= ACCEPT
    assert scores["hydroxyzine"] - scores["hydralazine"] >= MARGIN


@pytest.mark.parametrize(("said", "expected"), [
    ("hydroxalazine", {"hydroxyzine", "hydralazine"}),  # between the two: ask
    ("hydroxylazine", {"hydroxyzine", "hydralazine"}),
    ("tramadone", {"tramadol", "trazodone"}),
    ("predisone", {"prednisone", "prednisolone"}),
    ("lamotridine", {"lamotrigine"}),
])
def test_close_to_two_entries_asks(said, expected):
    match = load().resolve(said)
    assert not match.resolved
    assert expected <= set(match.candidates), match


# --- the tools ------------------------------------------------------------------------------


def test_log_dose_exact_name_and_spoken_units(med):
    registry, _, _ = med
    result = call(registry, "log_dose", drug="metformin", amount=500, unit="milligrams")
    assert result.ok, result.message
    assert result.data["drug"] == "metformin" and result.data["unit"] == "mg"
    assert result.data["taken_at"] == "2025-03-04T14:30:00+01:00"
    assert result.data["summary"] == "Logged 500 mg of metformin, taken today at 2:30 PM."


def test_a_dose_said_by_a_meal_or_this_morning_is_logged_not_refused(med):
    registry, _, clock = med
    with_dinner = call(registry, "log_dose", drug="metformin", amount=500, unit="mg",
                       time="with dinner")
    assert with_dinner.ok, with_dinner.message
    assert with_dinner.data["summary"] == "Logged 500 mg of metformin, taken yesterday at 6:30 PM."
    clock.t = PINNED.replace(hour=6, minute=10)  # "this morning" at 6:10 am: by now, not at 9
    early = call(registry, "log_dose", drug="sertraline", amount=50, unit="mg", time="this morning")
    assert early.ok, early.message
    assert early.data["summary"] == "Logged 50 mg of sertraline, taken today at 6:10 AM."


def test_clonidine_is_never_clonazepam(med):
    registry, _, _ = med
    result = call(registry, "log_dose", drug="clonidine", amount=0.1, unit="mg")
    assert result.ok and result.data["drug"] == "clonidine"
    klonopin = call(registry, "log_dose", drug="Klonopin", amount=0.5, unit="mg")
    assert klonopin.ok and klonopin.data["drug"] == "clonazepam"
    assert klonopin.data["summary"].startswith("Logged 0.5 mg of clonazepam (Klonopin)")
    assert [d["drug"] for d in doses(registry)] == ["clonidine", "clonazepam"]


def test_ambiguous_name_asks_with_candidates_and_writes_nothing(med):
    registry, _, _ = med
    asked = call(registry, "log_dose", drug="hydroxalazine", amount=25, unit="mg")
    assert asked.error == ErrorCode.NEEDS_CONFIRMATION
    assert asked.argument == "drug"
    assert set(asked.options) >= {"hydroxyzine", "hydralazine"}
    assert "Which one" in asked.message
    assert doses(registry) == []
    # The user picks one: the loop re-runs the call with that option and confirmed=True.
    chosen = call(registry, "log_dose", confirmed=True, drug="hydralazine", amount=25, unit="mg")
    assert chosen.ok and chosen.data["drug"] == "hydralazine"


def test_confirmed_does_not_bypass_the_check_for_a_non_entry(med):
    registry, _, _ = med
    still = call(registry, "log_dose", confirmed=True, drug="hydroxalazine", amount=25, unit="mg")
    assert still.error == ErrorCode.NEEDS_CONFIRMATION
    assert doses(registry) == []


def test_unknown_name_asks_with_the_nearest_candidates(med):
    registry, _, _ = med
    asked = call(registry, "last_dose", drug="love a theric sign")
    assert asked.error == ErrorCode.NEEDS_CONFIRMATION and "levothyroxine" in asked.options
    assert "don't know a medicine" in asked.message
    nonsense = call(registry, "log_dose", drug="12345", amount=1, unit="mg")
    assert nonsense.error == ErrorCode.INVALID_ARGUMENTS


@pytest.mark.parametrize(("spoken", "unit"), [
    ("mg", "mg"), ("Milligrams", "mg"), ("micrograms", "mcg"), ("µg", "mcg"), ("mcg", "mcg"),
    ("ml", "ml"), ("millilitres", "ml"), ("units", "units"), ("IU", "units"),
    ("tablets", "tablets"), ("pills", "tablets"), ("capsule", "capsules"), ("puffs", "puffs"),
])
def test_unit_normalisation(spoken, unit):
    assert normalise_unit(spoken) == unit


def test_bad_unit_and_amounts_are_rejected(med):
    registry, _, _ = med
    bad = call(registry, "log_dose", drug="metformin", amount=5, unit="spoonfuls")
    assert bad.error == ErrorCode.INVALID_ARGUMENTS and "spoonfuls" in bad.message
    assert call(registry, "log_dose", drug="metformin", amount=0,
                unit="mg").error == ErrorCode.INVALID_ARGUMENTS
    assert call(registry, "log_dose", drug="metformin", amount="lots",
                unit="mg").error == ErrorCode.INVALID_ARGUMENTS
    assert doses(registry) == []


def test_dose_times_are_parsed_and_future_times_refused(med):
    registry, _, _ = med
    morning = call(registry, "log_dose", drug="ibuprofen", amount=400, unit="mg", time="8 am")
    assert morning.data["taken_at"] == "2025-03-04T08:00:00+01:00"
    ago = call(registry, "log_dose", drug="ibuprofen", amount=200, unit="mg", time="2 hours ago")
    assert ago.data["taken_at"] == "2025-03-04T12:30:00+01:00"
    future = call(registry, "log_dose", drug="ibuprofen", amount=200, unit="mg", time="in 2 hours")
    assert future.error == ErrorCode.INVALID_ARGUMENTS and "future" in future.message
    garbled = call(registry, "log_dose", drug="ibuprofen", amount=200, unit="mg", time="purple")
    assert garbled.error == ErrorCode.INVALID_ARGUMENTS


def test_last_dose_answers_when_and_how_long_ago(med):
    registry, _, _ = med
    none = call(registry, "last_dose", drug="metformin")
    assert none.ok and none.data["found"] is False
    assert none.data["summary"] == "I have no record of you taking metformin."
    call(registry, "log_dose", drug="metformin", amount=500, unit="mg", time="8 am")
    call(registry, "log_dose", drug="glucophage", amount=850, unit="mg", time="11:15")
    last = call(registry, "last_dose", drug="Glucophage")
    assert last.ok
    assert last.data["summary"] == ("You last took 850 mg of metformin today at 11:15 AM "
                                    "(3 hours 15 minutes ago).")
    assert last.data["hours_ago"] == 3.25


def test_list_doses_by_day(med):
    registry, _, _ = med
    call(registry, "log_dose", drug="aspirin", amount=81, unit="mg", time="yesterday at 9 am")
    call(registry, "log_dose", drug="aspirin", amount=81, unit="mg", time="9 am")
    call(registry, "log_dose", drug="insulin glargine", amount=20, unit="units", time="10 am")
    today = call(registry, "list_doses").data
    assert [d["drug"] for d in today["doses"]] == ["aspirin", "insulin glargine"]
    assert today["summary"] == ("2 doses today: 81 mg of aspirin at 9:00 AM; 20 units of "
                                "insulin glargine at 10:00 AM.")
    yesterday = call(registry, "list_doses", day="yesterday").data
    assert len(yesterday["doses"]) == 1 and yesterday["day"] == "2025-03-03"
    assert call(registry, "list_doses", day="Monday").data["day"] == "2025-03-03"
    assert call(registry, "list_doses", day="2025-03-01").data["doses"] == []
    assert call(registry, "list_doses", day="the day after never").error == ErrorCode.INVALID_ARGUMENTS


def test_add_medication_schedule(med):
    registry, ctx, _ = med
    result = call(registry, "add_medication_schedule", drug="Synthroid", amount=50, unit="mcg",
                  times=["7 am"])
    assert result.ok and result.data["drug"] == "levothyroxine" and result.data["times"] == ["07:00"]
    twice = call(registry, "add_medication_schedule", drug="metformin", amount=500,
                 unit="milligrams", times=["8 pm", "8", "08:00"])
    assert twice.data["times"] == ["08:00", "20:00"]
    assert twice.data["summary"] == "Scheduled 500 mg of metformin every day at 8:00 AM and 8:00 PM."
    # Times as Whisper writes them ("three thirty p.m." -> "330 p.m.")
    heard = call(registry, "add_medication_schedule", drug="nortriptyline", amount=20,
                 unit="units", times=["145 am", "1030 am", "930 p.m."])
    assert heard.ok and heard.data["times"] == ["01:45", "10:30", "21:30"]
    bad = call(registry, "add_medication_schedule", drug="metformin", amount=500, unit="mg",
               times=["whenever"])
    assert bad.error == ErrorCode.INVALID_ARGUMENTS
    rows = ctx.store.query("SELECT drug, times FROM medication_schedules ORDER BY id")
    assert [(r["drug"], r["times"]) for r in rows] == [
        ("levothyroxine", '["07:00"]'), ("metformin", '["08:00", "20:00"]'),
        ("nortriptyline", '["01:45", "10:30", "21:30"]')]


def test_doses_persist_across_reopening_the_store(med, tmp_path):
    registry, ctx, _ = med
    call(registry, "log_dose", drug="metformin", amount=500, unit="mg")
    ctx.store.close()
    later = Clock(datetime(2025, 3, 4, 20, 0, tzinfo=PARIS))
    ctx2 = make_ctx(tmp_path, now=later)
    again = Registry(tools(ctx2))
    assert call(again, "last_dose", drug="metformin").data["summary"].endswith("(5 hours 30 minutes ago).")
    ctx2.store.close()


def test_tool_descriptions_refuse_dosing_advice(med):
    registry, _, _ = med
    for tool in registry:
        assert "never gives dosing advice" in tool.description
    assert not any("advice" in tool.name or "recommend" in tool.name for tool in registry)


def test_a_schedule_announces_each_dose_every_day(tmp_path):
    from tools_helpers import Notifications, open_registry

    from assistant.tools.timers import scheduler_for

    clock, notes = Clock(), Notifications()
    with open_registry(make_ctx(tmp_path, now=clock, notify=notes)) as registry:
        added = call(registry, "add_medication_schedule", drug="metformin", amount=500, unit="mg",
                     times=["8 am", "8 pm"])
        assert added.ok and len(added.data["reminder_ids"]) == 2
        listed = call(registry, "list_reminders").data["reminders"]
        assert [r["when"] for r in listed] == ["every day at 8:00 PM", "every day at 8:00 AM"]
        assert listed[0]["due_at"] == "2025-03-04T20:00:00+01:00"  # tonight, then daily
        assert listed[1]["due_at"] == "2025-03-05T08:00:00+01:00"
        clock.advance(5.5 * 3600)  # 20:00
        scheduler_for(registry.ctx).wake()
        event = notes.get(timeout=3)
        assert (event.title, event.message) == ("Medication", "Time for your metformin: 500 mg.")
        again = call(registry, "list_reminders").data["reminders"]
        assert [r["due_at"] for r in again] == ["2025-03-05T08:00:00+01:00",
                                                "2025-03-05T20:00:00+01:00"]  # re-armed


def test_a_long_day_lists_its_latest_doses_and_the_total(med):
    from assistant.tools.medication import DOSE_LIST_LIMIT

    registry, _, _ = med
    for minute in range(DOSE_LIST_LIMIT + 3):
        call(registry, "log_dose", drug="aspirin", amount=minute + 1, unit="mg",
             time=f"8:{minute:02d} am")
    day = call(registry, "list_doses").data
    assert day["total"] == DOSE_LIST_LIMIT + 3
    assert [d["amount"] for d in day["doses"]] == [float(a) for a in range(4, DOSE_LIST_LIMIT + 4)]
    assert day["summary"].startswith(f"{DOSE_LIST_LIMIT + 3} doses today; the last "
                                     f"{DOSE_LIST_LIMIT}: 4 mg of aspirin at 8:03 AM;")


@pytest.mark.parametrize(("said", "names"), [
    # A medicine by name (a brand, a typo) or a word of medicine or of taking one.
    ("last nurofen?", True), ("when did i last have ibuprofin", True),
    ("how long since my last paracetamol", True), ("what did I take yesterday", True),
    ("whats in my log for monday", True), ("when did I last do my eye drops", True),
    ("400mg at 8", True),
    # None: the dose log's false alarms.
    ("how much snow did Buffalo get last winter", False),
    ("Was it cold last night? I slept with the window open and froze", False),
    ("What's the coldest it has ever been in Canada?", False),
    ("Was 2022 really the UK's hottest summer on record?", False),
    ("What day of the week did the D-Day landings happen on?", False),
])
def test_names_medicine(said, names):
    from assistant.tools.medication import names_medicine

    assert names_medicine(said) is names


@pytest.mark.parametrize(("said", "names"), [
    # A medicine, a kind of one, or a word of medicine: what the assistant gives no advice on.
    ("is ibuprofen safe with alcohol?", True), ("whats nurofen for", True),
    ("does grapefruit juice interfere with statins", True), ("can i crush my tablets", True),
    ("are antihistamines ok in pregnancy", True),
    # Taking or having something names no medicine.
    ("should I take an umbrella today?", False), ("I had a lovely day", False),
    ("how long should I boil an egg?", False),
])
def test_names_a_medicine(said, names):
    from assistant.tools.medication import names_a_medicine

    assert names_a_medicine(said) is names


@pytest.mark.parametrize(("said", "own"), [
    # The user's own record, by a name the formulary lacks: spoken of as theirs.
    ("my addy, how long ago", True), ("vit d - when did I last?", True),
    ("did i already do my coversyl, when was it", True), ("last nurofen?", True),
    # A short form that begins a medicine's name names it.
    ("last amox", True), ("last metf", True),
    # The world's: neither a medicine nor the user.
    ("when did vesuvius last erupt", False), ("When did England last win the Ashes at home?", False),
    ("how long ago was the last ice age", False),
])
def test_of_own_medicine(said, own):
    from assistant.tools.medication import of_own_medicine

    assert of_own_medicine(said) is own


@pytest.mark.parametrize(("drug", "said", "medicine"), [
    ("eye test", "My last eye test was in 2019. Is that too long ago?", False),
    ("toothbrush", "I last changed my toothbrush about 6 months ago", False),
    ("rain", "whats the most rain London has ever had in a single day", False),
    ("proper lie-in", "when did I last have a proper lie-in?", False),
    ("metformin", "when did i last have metformin", True),
    ("metfromin", "my metfromin, when?", True),  # close to a name: the tool asks which
    ("metf", "last metf?", True),  # the beginning of a name
    ("my pill", "when did I last have my pill", True),  # a word of medicine
    ("tetanus jab", "I last had a tetanus jab at school", True),
    ("nyquil", "when did I last take nyquil", True),  # taken, said outright
    ("puffer", "did I already do my puffer today", True),  # a word of its form
    ("paras", "when'd i last have paras? headache's back", True),  # shorthand, plural
    ("gran", "how long since I last visited my gran", False),
    # A medicine the formulary knows is read only where the words name it, by any of its names.
    ("metformin", "when was my last run", False),
    ("amoxicillin", "what's the hottest temperature ever recorded in the UK?", False),
    ("acetaminophen", "when did I last have paracetamol", True),
    ("metformin", "last metf", True),
    # Taken right before the name, not an article before something else.
    ("addy", "when'd I last take my addy", True),
    ("dog to the vet", "when did I last take the dog to the vet", False),
    ("proper holiday", "When was the last time I took a proper holiday?", False),
])
def test_reads_a_medicine(drug, said, medicine):
    from assistant.tools.medication import reads_a_medicine

    assert reads_a_medicine({"drug": drug}, said) is medicine


@pytest.mark.parametrize(("drug", "said", "named"), [
    # A medicine nobody named: the brain's guess, or a placeholder.
    ("metformin", "what sorts of units are allowed when recording a dose? drops, puffs?", False),
    ("medicinal", "doses 3/10", False),
    ("quinine", "send 20 quid to Mike for the five a side", False),
    ("metformin", "reminder for 8 am Monday: submit timesheet", False),
    # Named: as written, by another of its names, misspelt, begun, or heard close in sound.
    ("metformin", "log 500 mg of metformin", True),
    ("acetaminophen", "took 2 paracetamol at 8", True),
    ("ibuprofen", "had 400mg of ibuprofin", True),
    ("levothyroxine", "took 75mcg of levo at 6.30 this morning", True),
    ("gravol", "pop 2 gravol in the log, took em an hour ago", True),  # one the formulary lacks
    # A name the formulary knows, miscopied by the brain: the tool asks which medicine.
    ("osamivir", "plan 100 milligrams of oseltamivir every day at 3:30 am", True),
])
def test_names_the_drug(drug, said, named):
    from assistant.tools.medication import names_the_drug

    assert names_the_drug({"drug": drug}, said) is named


@pytest.mark.parametrize(("drug", "said", "everyday"), [
    # dose-things: what the brain wrote as a dose of a thing that is no medicine.
    ("pizza", "venmo chris 25 for the pizza", True),
    ("coffee", "Is two cups of coffee a day bad for you?", True),
    ("coke", "grabbed a 2 litre bottle of coke for the party tonight", True),
    ("bills", "Rent 1,200 + bills 300 = 1,500 a month each", True),
    ("beer", "had 3 beers last night", True),
    ("cups of tea", "drank 4 cups of tea today", True),
    # A medicine the formulary does not know, a name with a word of a remedy, a medicine word
    # said, or a record asked for.
    ("amlong", "amlong 2.5 every day at 10pm pls schedule", False),
    ("fish oil", "took 2 fish oil", False),
    ("milk of magnesia", "had some milk of magnesia", False),
    ("flu shot", "had my flu shot today", False),
    ("coffee", "took 2 coffee tablets", False),
    ("water", "log 500 ml of water", False),
])
def test_a_dose_of_an_everyday_thing(drug: str, said: str, everyday: bool) -> None:
    assert an_everyday_thing(drug, said) is everyday


@pytest.mark.parametrize(("drug", "amount", "said", "bought"), [
    # money-said: a thing the formulary does not know, its amount money's or goods'.
    ("tesco", 80, "spent like 80 quid at tesco today", True),
    ("cab yaar", 500, "i owe raj 500 rupees for the cab yaar", True),
    ("lads", 2, "had a couple of pints with the lads, 3 maybe 4", True),
    ("unleaded", 5, "Bought 5 litres of unleaded for the mower", True),
    ("costco", 45, "dropped $45 at costco", True),
    # The dose's own number said, a drug the formulary knows, a medicine word, a record asked.
    ("pan", 40, "had a glass of water with my pan 40", False),
    ("telma", 40, "telma 40 every morning", False),
    ("amoxicillin", 500, "paid 12 dollars for my amoxicillin, took the first 500mg at 9", False),
    ("chai", 5, "had 5 cups of chai, log it", False),
    ("xyzal", 5, "spent 10 quid on xyzal tablets, took 1", False),
])
def test_a_dose_of_a_thing_bought(drug: str, amount: float, said: str, bought: bool) -> None:
    assert bought_not_taken(drug, amount, said) is bought
