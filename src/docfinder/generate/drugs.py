"""Part D drugs prescribed by each kind of provider, with plausible costs and supplies."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Drug:
    """One Part D drug line (brand and generic name as the Part D files spell them)."""

    key: str
    brand: str
    generic: str
    cost_per_30_days_usd: float
    ninety_day_share: float  # share of claims written for 90 days
    age65_share: float  # typical share of claims for beneficiaries aged 65 or more


# key ; brand ; generic ; cost per 30 days ; 90-day share ; 65+ share
_DRUGS = """
atorvastatin;Atorvastatin Calcium;Atorvastatin Calcium;6;.7;.85
amlodipine;Amlodipine Besylate;Amlodipine Besylate;4;.7;.85
lisinopril;Lisinopril;Lisinopril;4;.7;.82
levothyroxine;Levothyroxine Sodium;Levothyroxine Sodium;9;.6;.86
metformin;Metformin Hcl;Metformin Hcl;5;.6;.78
omeprazole;Omeprazole;Omeprazole;7;.6;.82
losartan;Losartan Potassium;Losartan Potassium;6;.7;.85
simvastatin;Simvastatin;Simvastatin;4;.7;.88
gabapentin;Gabapentin;Gabapentin;9;.4;.7
hctz;Hydrochlorothiazide;Hydrochlorothiazide;3;.7;.84
metoprolol;Metoprolol Succinate;Metoprolol Succinate;10;.6;.88
tamsulosin;Tamsulosin Hcl;Tamsulosin Hcl;8;.7;.9
sertraline;Sertraline Hcl;Sertraline Hcl;6;.5;.66
trazodone;Trazodone Hcl;Trazodone Hcl;6;.4;.62
furosemide;Furosemide;Furosemide;4;.5;.9
rosuvastatin;Rosuvastatin Calcium;Rosuvastatin Calcium;8;.7;.85
prednisone;Prednisone;Prednisone;5;.1;.8
montelukast;Montelukast Sodium;Montelukast Sodium;8;.6;.72
pravastatin;Pravastatin Sodium;Pravastatin Sodium;7;.7;.88
clopidogrel;Clopidogrel;Clopidogrel;6;.6;.88
carvedilol;Carvedilol;Carvedilol;6;.6;.86
donepezil;Donepezil Hcl;Donepezil Hcl;8;.6;.97
meloxicam;Meloxicam;Meloxicam;5;.4;.78
potassium;Potassium Chloride;Potassium Chloride;14;.5;.88
escitalopram;Escitalopram Oxalate;Escitalopram Oxalate;7;.5;.68
pantoprazole;Pantoprazole Sodium;Pantoprazole Sodium;7;.6;.82
eliquis;Eliquis;Apixaban;540;.3;.95
xarelto;Xarelto;Rivaroxaban;550;.3;.93
jardiance;Jardiance;Empagliflozin;580;.3;.84
farxiga;Farxiga;Dapagliflozin Propanediol;560;.3;.84
trulicity;Trulicity;Dulaglutide;950;.1;.78
ozempic;Ozempic;Semaglutide;960;.1;.76
januvia;Januvia;Sitagliptin Phosphate;530;.3;.86
symbicort;Symbicort;Budesonide/Formoterol Fumarate;330;.1;.8
albuterol;Albuterol Sulfate Hfa;Albuterol Sulfate;30;.05;.72
lantus;Lantus Solostar;Insulin Glargine,Hum.Rec.Anlog;330;.1;.8
tramadol;Tramadol Hcl;Tramadol Hcl;8;.1;.74
hydrocodone;Hydrocodone-Acetaminophen;Hydrocodone/Acetaminophen;14;.02;.7
oxycodone;Oxycodone-Acetaminophen;Oxycodone Hcl/Acetaminophen;20;.02;.68
ondansetron;Ondansetron Hcl;Ondansetron Hcl;6;.02;.7
cephalexin;Cephalexin;Cephalexin;9;0;.75
amoxicillin;Amoxicillin;Amoxicillin;6;0;.74
amox_clav;Amoxicillin-Clavulanate Potass;Amoxicillin/Potassium Clav;16;0;.75
chlorhexidine;Chlorhexidine Gluconate;Chlorhexidine Gluconate;6;0;.8
clindamycin;Clindamycin Hcl;Clindamycin Hcl;14;0;.75
penicillin_vk;Penicillin V Potassium;Penicillin V Potassium;8;0;.76
ibuprofen;Ibuprofen;Ibuprofen;7;0;.68
doxycycline;Doxycycline Hyclate;Doxycycline Hyclate;24;.05;.72
clobetasol;Clobetasol Propionate;Clobetasol Propionate;60;0;.8
triamcinolone;Triamcinolone Acetonide;Triamcinolone Acetonide;12;0;.82
fluocinonide;Fluocinonide;Fluocinonide;45;0;.8
mupirocin;Mupirocin;Mupirocin;14;0;.8
ketoconazole;Ketoconazole;Ketoconazole;18;0;.82
fluorouracil;Fluorouracil;Fluorouracil;70;0;.92
imiquimod;Imiquimod;Imiquimod;40;0;.9
tacrolimus_top;Tacrolimus;Tacrolimus;120;0;.7
hydrocortisone;Hydrocortisone;Hydrocortisone;9;0;.8
terbinafine;Terbinafine Hcl;Terbinafine Hcl;9;.2;.8
ciclopirox;Ciclopirox;Ciclopirox;30;0;.85
sotyktu;Sotyktu;Deucravacitinib;6400;0;.62
otezla;Otezla;Apremilast;4300;0;.65
calcipotriene;Calcipotriene;Calcipotriene;160;0;.75
enstilar;Enstilar;Calcipotriene/Betamethasone;1100;0;.7
tazorac;Tazorac;Tazarotene;700;0;.6
vtama;Vtama;Tapinarof;1300;0;.6
acitretin;Acitretin;Acitretin;380;.05;.62
siliq;Siliq;Brodalumab;3500;0;.5
cosentyx;Cosentyx Pen;Secukinumab;6600;0;.5
taltz;Taltz Autoinjector;Ixekizumab;7000;0;.5
stelara;Stelara;Ustekinumab;8900;0;.5
tremfya;Tremfya;Guselkumab;6500;0;.5
skyrizi;Skyrizi;Risankizumab-Rzaa;7000;0;.5
bimzelx;Bimzelx;Bimekizumab-Bkzx;6500;0;.45
humira;Humira(Cf) Pen;Adalimumab;6900;0;.55
enbrel;Enbrel Sureclick;Etanercept;7000;0;.55
methotrexate;Methotrexate;Methotrexate Sodium;30;.2;.7
hydroxychloroquine;Hydroxychloroquine Sulfate;Hydroxychloroquine Sulfate;14;.5;.7
folic_acid;Folic Acid;Folic Acid;4;.5;.75
leflunomide;Leflunomide;Leflunomide;25;.4;.7
sulfasalazine;Sulfasalazine;Sulfasalazine;20;.3;.7
xeljanz;Xeljanz;Tofacitinib Citrate;5600;0;.5
rinvoq;Rinvoq;Upadacitinib;6400;0;.5
allopurinol;Allopurinol;Allopurinol;5;.6;.84
colchicine;Colchicine;Colchicine;40;.3;.82
alendronate;Alendronate Sodium;Alendronate Sodium;6;.7;.95
entresto;Entresto;Sacubitril/Valsartan;600;.3;.86
amiodarone;Amiodarone Hcl;Amiodarone Hcl;12;.4;.92
spironolactone;Spironolactone;Spironolactone;6;.5;.86
diltiazem;Diltiazem 24hr Cd;Diltiazem Hcl;22;.5;.9
quetiapine;Quetiapine Fumarate;Quetiapine Fumarate;10;.3;.48
aripiprazole;Aripiprazole;Aripiprazole;12;.3;.4
bupropion;Bupropion Xl;Bupropion Hcl;12;.5;.55
lamotrigine;Lamotrigine;Lamotrigine;8;.4;.5
lithium;Lithium Carbonate;Lithium Carbonate;10;.4;.45
clonazepam;Clonazepam;Clonazepam;5;.3;.58
buspirone;Buspirone Hcl;Buspirone Hcl;9;.4;.6
latanoprost;Latanoprost;Latanoprost;11;.6;.96
timolol;Timolol Maleate;Timolol Maleate;12;.5;.95
prednisolone_eye;Prednisolone Acetate;Prednisolone Acetate;25;0;.95
ofloxacin_eye;Ofloxacin;Ofloxacin;12;0;.95
oxybutynin;Oxybutynin Chloride Er;Oxybutynin Chloride;15;.6;.92
finasteride;Finasteride;Finasteride;5;.7;.92
myrbetriq;Myrbetriq;Mirabegron;520;.3;.93
anastrozole;Anastrozole;Anastrozole;6;.6;.85
letrozole;Letrozole;Letrozole;7;.6;.85
ibrance;Ibrance;Palbociclib;14500;0;.75
xtandi;Xtandi;Enzalutamide;14000;0;.95
revlimid;Revlimid;Lenalidomide;19000;0;.85
levetiracetam;Levetiracetam;Levetiracetam;12;.4;.65
sumatriptan;Sumatriptan Succinate;Sumatriptan Succinate;15;.2;.4
sevelamer;Sevelamer Carbonate;Sevelamer Carbonate;90;.3;.6
calcitriol;Calcitriol;Calcitriol;18;.4;.7
biktarvy;Biktarvy;Bictegrav/Emtricit/Tenofov Ala;3900;.1;.3
valacyclovir;Valacyclovir;Valacyclovir Hcl;15;.2;.75
nitrofurantoin;Nitrofurantoin Monohyd/M-Cryst;Nitrofurantoin Monohyd/M-Cryst;20;0;.85
tiotropium;Spiriva Handihaler;Tiotropium Bromide;500;.2;.88
fluticasone;Fluticasone Propionate;Fluticasone Propionate;15;.4;.78
atenolol;Atenolol;Atenolol;4;.7;.86
citalopram;Citalopram Hbr;Citalopram Hydrobromide;5;.5;.7
fluoxetine;Fluoxetine Hcl;Fluoxetine Hcl;6;.5;.6
duloxetine;Duloxetine Hcl;Duloxetine Hcl;12;.5;.65
venlafaxine;Venlafaxine Hcl Er;Venlafaxine Hcl;14;.5;.62
mirtazapine;Mirtazapine;Mirtazapine;9;.4;.8
cyclobenzaprine;Cyclobenzaprine Hcl;Cyclobenzaprine Hcl;6;.2;.6
tizanidine;Tizanidine Hcl;Tizanidine Hcl;8;.3;.55
baclofen;Baclofen;Baclofen;10;.3;.6
glipizide;Glipizide;Glipizide;5;.6;.85
glimepiride;Glimepiride;Glimepiride;6;.6;.86
pioglitazone;Pioglitazone Hcl;Pioglitazone Hcl;8;.6;.85
humalog;Humalog Kwikpen U-100;Insulin Lispro;360;.1;.8
novolog;Novolog Flexpen;Insulin Aspart;380;.1;.8
valsartan;Valsartan;Valsartan;12;.7;.86
olmesartan;Olmesartan Medoxomil;Olmesartan Medoxomil;12;.7;.85
benazepril;Benazepril Hcl;Benazepril Hcl;5;.7;.86
chlorthalidone;Chlorthalidone;Chlorthalidone;10;.7;.84
triamterene;Triamterene-Hydrochlorothiazid;Triamterene/Hydrochlorothiazide;8;.7;.86
warfarin;Warfarin Sodium;Warfarin Sodium;8;.4;.94
hydralazine;Hydralazine Hcl;Hydralazine Hcl;10;.5;.9
isosorbide;Isosorbide Mononitrate Er;Isosorbide Mononitrate;10;.6;.92
nifedipine;Nifedipine Er;Nifedipine;15;.6;.87
propranolol;Propranolol Hcl;Propranolol Hcl;8;.5;.65
clonidine;Clonidine Hcl;Clonidine Hcl;6;.5;.75
famotidine;Famotidine;Famotidine;6;.5;.8
meclizine;Meclizine Hcl;Meclizine Hcl;7;.2;.88
azithromycin;Azithromycin;Azithromycin;10;0;.72
ciprofloxacin;Ciprofloxacin Hcl;Ciprofloxacin Hcl;8;0;.8
smx_tmp;Sulfamethoxazole-Trimethoprim;Sulfamethoxazole/Trimethoprim;8;0;.75
fluconazole;Fluconazole;Fluconazole;7;0;.7
methylprednisolone;Methylprednisolone;Methylprednisolone;9;0;.75
ezetimibe;Ezetimibe;Ezetimibe;9;.7;.88
fenofibrate;Fenofibrate;Fenofibrate;15;.7;.84
memantine;Memantine Hcl;Memantine Hcl;12;.6;.97
ropinirole;Ropinirole Hcl;Ropinirole Hcl;8;.5;.8
carbidopa;Carbidopa-Levodopa;Carbidopa/Levodopa;20;.5;.93
zolpidem;Zolpidem Tartrate;Zolpidem Tartrate;5;.3;.72
lorazepam;Lorazepam;Lorazepam;6;.2;.7
alprazolam;Alprazolam;Alprazolam;5;.3;.65
diclofenac;Diclofenac Sodium;Diclofenac Sodium;20;.1;.82
celecoxib;Celecoxib;Celecoxib;14;.4;.8
hydroxyzine;Hydroxyzine Hcl;Hydroxyzine Hcl;8;.2;.55
ergocalciferol;Vitamin D2;Ergocalciferol (Vitamin D2);8;.5;.8
doxazosin;Doxazosin Mesylate;Doxazosin Mesylate;7;.6;.9
brimonidine;Brimonidine Tartrate;Brimonidine Tartrate;18;.5;.95
wixela;Wixela Inhub;Fluticasone/Salmeterol;90;.2;.8
trelegy;Trelegy Ellipta;Fluticasone/Umeclidin/Vilanter;650;.1;.88
breo;Breo Ellipta;Fluticasone/Vilanterol;360;.1;.85
ipratropium;Ipratropium-Albuterol;Ipratropium/Albuterol Sulfate;60;.2;.85
janumet;Janumet;Sitagliptin/Metformin Hcl;520;.3;.84
tradjenta;Tradjenta;Linagliptin;540;.3;.88
rybelsus;Rybelsus;Semaglutide;950;.1;.78
mounjaro;Mounjaro;Tirzepatide;1050;.05;.72
linzess;Linzess;Linaclotide;520;.2;.72
restasis;Restasis;Cyclosporine;600;.1;.93
nystatin;Nystatin;Nystatin;14;0;.8
mometasone;Mometasone Furoate;Mometasone Furoate;30;0;.78
"""


def _parse() -> dict[str, Drug]:
    table: dict[str, Drug] = {}
    for line in _DRUGS.strip().splitlines():
        key, brand, generic, cost, ninety, age65 = line.split(";")
        table[key] = Drug(key, brand, generic, float(cost), float(ninety), float(age65))
    return table


DRUGS: dict[str, Drug] = _parse()
DRUG_KEYS: tuple[str, ...] = tuple(DRUGS)

_PSORIASIS = (
    "sotyktu:3 otezla:6 calcipotriene:6 enstilar:3 tazorac:2 vtama:2 acitretin:2 siliq:1 "
    "cosentyx:3 taltz:3 stelara:3 tremfya:3 skyrizi:4 bimzelx:2 humira:3 enbrel:2 methotrexate:3"
)
_PRIMARY = (
    "atorvastatin:20 amlodipine:18 lisinopril:16 levothyroxine:16 metformin:15 omeprazole:14 "
    "losartan:14 simvastatin:10 gabapentin:12 hctz:10 metoprolol:12 tamsulosin:10 sertraline:9 "
    "trazodone:7 furosemide:9 rosuvastatin:9 prednisone:6 montelukast:6 pravastatin:7 "
    "clopidogrel:7 carvedilol:7 donepezil:5 meloxicam:6 potassium:6 escitalopram:7 "
    "pantoprazole:8 eliquis:10 xarelto:5 jardiance:7 farxiga:5 trulicity:5 ozempic:5 "
    "januvia:4 symbicort:4 albuterol:6 lantus:5 tramadol:4 hydrocodone:3 cephalexin:3 "
    "amox_clav:3 alendronate:4 allopurinol:4 bupropion:4 buspirone:3 oxybutynin:2 "
    "finasteride:3 fluticasone:4 nitrofurantoin:3 valacyclovir:2 triamcinolone:2 atenolol:4 "
    "citalopram:3 fluoxetine:3 duloxetine:4 venlafaxine:2 mirtazapine:2 cyclobenzaprine:3 "
    "tizanidine:2 baclofen:2 glipizide:4 glimepiride:3 pioglitazone:2 humalog:2 novolog:2 "
    "valsartan:3 olmesartan:2 benazepril:2 chlorthalidone:2 triamterene:2 warfarin:2 "
    "hydralazine:2 isosorbide:2 nifedipine:2 propranolol:2 clonidine:2 famotidine:3 "
    "meclizine:2 azithromycin:3 ciprofloxacin:3 smx_tmp:3 fluconazole:2 methylprednisolone:3 "
    "ezetimibe:3 fenofibrate:2 memantine:2 ropinirole:2 carbidopa:1 zolpidem:2 lorazepam:2 "
    "alprazolam:2 diclofenac:3 celecoxib:2 hydroxyzine:2 ergocalciferol:3 doxazosin:2 "
    "wixela:2 trelegy:2 breo:2 ipratropium:2 janumet:2 tradjenta:2 rybelsus:2 mounjaro:2 "
    "linzess:2 nystatin:1 mometasone:1"
)
_PROFILES: dict[str, str] = {
    "primary": _PRIMARY,
    "derm": "clobetasol:10 triamcinolone:10 fluocinonide:6 mupirocin:5 ketoconazole:5 "
    "fluorouracil:6 imiquimod:3 tacrolimus_top:3 hydrocortisone:4 doxycycline:6 "
    "terbinafine:3 prednisone:2 cephalexin:2 valacyclovir:2 " + _PSORIASIS,
    "rheum": "methotrexate:10 hydroxychloroquine:10 prednisone:10 folic_acid:8 humira:5 "
    "enbrel:4 xeljanz:3 rinvoq:3 otezla:2 cosentyx:2 taltz:1 stelara:1 leflunomide:5 "
    "sulfasalazine:4 allopurinol:5 colchicine:4 alendronate:3 meloxicam:3",
    "cardiology": "atorvastatin:10 rosuvastatin:8 metoprolol:10 carvedilol:8 eliquis:10 "
    "xarelto:6 clopidogrel:8 entresto:5 amiodarone:5 spironolactone:6 furosemide:8 "
    "diltiazem:5 amlodipine:6 losartan:6 lisinopril:5 potassium:4 jardiance:4 farxiga:4 "
    "warfarin:4 isosorbide:4 hydralazine:3 ezetimibe:4 valsartan:3 nifedipine:3 atenolol:3 "
    "chlorthalidone:2",
    "psych": "sertraline:8 escitalopram:8 trazodone:8 quetiapine:8 aripiprazole:6 "
    "bupropion:7 lamotrigine:6 lithium:4 clonazepam:5 buspirone:6 gabapentin:3 donepezil:2 "
    "citalopram:5 fluoxetine:5 duloxetine:5 venlafaxine:5 mirtazapine:4 hydroxyzine:4 "
    "lorazepam:3 alprazolam:3 zolpidem:2 propranolol:2 clonidine:2",
    "surgeon": "oxycodone:10 hydrocodone:8 tramadol:6 ondansetron:6 cephalexin:5 "
    "ibuprofen:2 pantoprazole:2 amox_clav:2",
    "ophth": "latanoprost:10 timolol:6 prednisolone_eye:8 ofloxacin_eye:6 brimonidine:6 restasis:3",
    "urology": "tamsulosin:10 finasteride:8 oxybutynin:6 myrbetriq:5 nitrofurantoin:5 xtandi:1",
    "hemonc": "anastrozole:8 letrozole:6 ondansetron:8 ibrance:2 xtandi:2 revlimid:2 "
    "prednisone:4 oxycodone:3 eliquis:3 potassium:2",
    "neuro": "gabapentin:8 levetiracetam:8 sumatriptan:6 donepezil:6 lamotrigine:4 "
    "memantine:4 carbidopa:4 ropinirole:3 baclofen:3 tizanidine:2",
    "nephrology": "sevelamer:8 calcitriol:8 furosemide:8 amlodipine:6 carvedilol:4 "
    "losartan:4 allopurinol:4 potassium:3",
    "infectious": "biktarvy:10 valacyclovir:6 nitrofurantoin:4 amox_clav:5 doxycycline:4 "
    "cephalexin:4",
    "pulm": "symbicort:10 albuterol:10 tiotropium:8 montelukast:6 fluticasone:6 prednisone:5 "
    "trelegy:6 breo:5 wixela:5 ipratropium:5 azithromycin:3",
    "endocrine": "levothyroxine:10 metformin:8 jardiance:6 farxiga:5 trulicity:6 "
    "ozempic:6 lantus:6 januvia:4 alendronate:3 atorvastatin:3 humalog:5 novolog:4 "
    "mounjaro:5 rybelsus:3 janumet:3 tradjenta:3 glipizide:3 ergocalciferol:3",
    "gi": "pantoprazole:10 omeprazole:10 ondansetron:4 prednisone:3 famotidine:5 linzess:4",
    "dentist": "amoxicillin:10 chlorhexidine:6 clindamycin:5 penicillin_vk:4 ibuprofen:4 "
    "hydrocodone:3 amox_clav:2",
    "podiatry": "terbinafine:8 ciclopirox:6 mupirocin:5 meloxicam:4 gabapentin:3 cephalexin:4",
    "pain": "gabapentin:8 tramadol:8 meloxicam:6 hydrocodone:6 oxycodone:5",
    "emergency": "ondansetron:8 cephalexin:6 amox_clav:5 prednisone:5 ibuprofen:4 "
    "hydrocodone:3 albuterol:3",
}


@dataclass(frozen=True)
class DrugProfile:
    """The drugs of one prescribing profile (sorted by brand name) with their weights."""

    drugs: tuple[str, ...]
    weights: NDArray[np.float64]


@cache
def drug_profile(spec: str) -> DrugProfile:
    """Drugs and weights of a profile spec such as "cardiology primary*0.2".

    Each word names a profile, optionally scaled; a drug listed twice adds its weights.
    """
    merged: dict[str, float] = {}
    for word in spec.split():
        name, _, factor = word.partition("*")
        for item in _PROFILES[name].split():
            key, weight = item.split(":")
            if key not in DRUGS:
                raise KeyError(f"drug profile {name!r} lists {key}, which has no drug entry")
            merged[key] = merged.get(key, 0.0) + float(weight) * float(factor or 1)
    keys = tuple(sorted(merged, key=lambda k: (DRUGS[k].brand, DRUGS[k].generic)))
    return DrugProfile(keys, np.array([merged[k] for k in keys], dtype=np.float64))


def drug_profile_names() -> tuple[str, ...]:
    """All prescribing profile names."""
    return tuple(_PROFILES)
