"""Typed STDF V4 records, as decoded by `_stdf_records` (field meanings: formats.md §3.4).

A field is None when the record ended before it (STDF allows trailing fields to be left out),
so "absent" stays distinct from 0 or "". Names follow the STDF field names in lower case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "Bin",
    "Bps",
    "Dtr",
    "Eps",
    "Far",
    "Ftr",
    "Gdr",
    "Mir",
    "Mpr",
    "Mrr",
    "Pir",
    "Pmr",
    "Prr",
    "Ptr",
    "Record",
    "Sdr",
    "Tsr",
    "Wir",
    "Wrr",
]


@dataclass(frozen=True, slots=True)
class Far:
    cpu_type: int
    stdf_ver: int


@dataclass(frozen=True, slots=True)
class Mir:
    setup_t: int | None
    start_t: int | None
    stat_num: int | None
    mode_cod: str | None
    rtst_cod: str | None
    prot_cod: str | None
    burn_tim: int | None
    cmod_cod: str | None
    lot_id: str | None
    part_typ: str | None
    node_nam: str | None
    tstr_typ: str | None
    job_nam: str | None
    job_rev: str | None
    sblot_id: str | None
    oper_nam: str | None
    exec_typ: str | None
    exec_ver: str | None
    test_cod: str | None
    tst_temp: str | None
    user_txt: str | None
    aux_file: str | None
    pkg_typ: str | None
    famly_id: str | None
    date_cod: str | None
    facil_id: str | None
    floor_id: str | None
    proc_id: str | None
    oper_frq: str | None
    spec_nam: str | None
    spec_ver: str | None
    flow_id: str | None
    setup_id: str | None
    dsgn_rev: str | None
    eng_id: str | None
    rom_cod: str | None
    serl_num: str | None
    supr_nam: str | None


@dataclass(frozen=True, slots=True)
class Mrr:
    finish_t: int | None
    disp_cod: str | None
    usr_desc: str | None
    exc_desc: str | None


@dataclass(frozen=True, slots=True)
class Bin:
    """HBR (`hard=True`) or SBR: one bin's count, pass/fail flag and name."""

    hard: bool
    head_num: int
    site_num: int
    bin_num: int
    bin_cnt: int | None
    bin_pf: str | None
    bin_nam: str | None


@dataclass(frozen=True, slots=True)
class Pmr:
    pmr_indx: int
    chan_typ: int | None
    chan_nam: str | None
    phy_nam: str | None
    log_nam: str | None
    head_num: int | None
    site_num: int | None


@dataclass(frozen=True, slots=True)
class Sdr:
    head_num: int
    site_grp: int | None
    site_nums: tuple[int, ...] | None
    equipment: tuple[tuple[str, str | None], ...]
    """(field name, value) for HAND_TYP, HAND_ID, CARD_TYP, ... EXTR_ID, in file order."""


@dataclass(frozen=True, slots=True)
class Wir:
    head_num: int
    site_grp: int | None
    start_t: int | None
    wafer_id: str | None


@dataclass(frozen=True, slots=True)
class Wrr:
    head_num: int
    site_grp: int | None
    finish_t: int | None
    part_cnt: int | None
    wafer_id: str | None


@dataclass(frozen=True, slots=True)
class Pir:
    head_num: int
    site_num: int


@dataclass(frozen=True, slots=True)
class Prr:
    head_num: int
    site_num: int
    part_flg: int | None
    num_test: int | None
    hard_bin: int | None
    soft_bin: int | None
    x_coord: int | None
    y_coord: int | None
    test_t: int | None
    part_id: str | None
    part_txt: str | None


@dataclass(frozen=True, slots=True)
class Tsr:
    head_num: int
    site_num: int
    test_typ: str | None
    test_num: int
    exec_cnt: int | None
    fail_cnt: int | None
    test_nam: str | None
    seq_name: str | None


@dataclass(frozen=True, slots=True)
class Ptr:
    test_num: int
    head_num: int
    site_num: int
    test_flg: int
    parm_flg: int | None
    result: float | None
    test_txt: str | None
    alarm_id: str | None
    opt_flag: int | None
    res_scal: int | None
    llm_scal: int | None
    hlm_scal: int | None
    lo_limit: float | None
    hi_limit: float | None
    units: str | None
    c_resfmt: str | None
    c_llmfmt: str | None
    c_hlmfmt: str | None
    lo_spec: float | None
    hi_spec: float | None


@dataclass(frozen=True, slots=True)
class Mpr:
    test_num: int
    head_num: int
    site_num: int
    test_flg: int
    parm_flg: int | None
    rtn_stat: tuple[int, ...] | None
    rtn_rslt: tuple[float, ...] | None
    test_txt: str | None
    alarm_id: str | None
    opt_flag: int | None
    res_scal: int | None
    llm_scal: int | None
    hlm_scal: int | None
    lo_limit: float | None
    hi_limit: float | None
    start_in: float | None
    incr_in: float | None
    rtn_indx: tuple[int, ...] | None
    units: str | None


@dataclass(frozen=True, slots=True)
class Ftr:
    test_num: int
    head_num: int
    site_num: int
    test_flg: int
    opt_flag: int | None
    cycl_cnt: int | None
    rel_vadr: int | None
    rept_cnt: int | None
    num_fail: int | None
    xfail_ad: int | None
    yfail_ad: int | None
    vect_off: int | None
    rtn_indx: tuple[int, ...] | None
    rtn_stat: tuple[int, ...] | None
    fail_pin: bytes | None
    vect_nam: str | None
    time_set: str | None
    op_code: str | None
    test_txt: str | None
    alarm_id: str | None
    prog_txt: str | None
    rslt_txt: str | None


@dataclass(frozen=True, slots=True)
class Bps:
    seq_name: str | None


@dataclass(frozen=True, slots=True)
class Eps:
    pass


@dataclass(frozen=True, slots=True)
class Gdr:
    fields: tuple[int | float | str | bytes, ...]


@dataclass(frozen=True, slots=True)
class Dtr:
    text_dat: str | None


Record: TypeAlias = (
    Far
    | Mir
    | Mrr
    | Bin
    | Pmr
    | Sdr
    | Wir
    | Wrr
    | Pir
    | Prr
    | Tsr
    | Ptr
    | Mpr
    | Ftr
    | Bps
    | Eps
    | Gdr
    | Dtr
)
