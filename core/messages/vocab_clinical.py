"""Clinical vocabulary (``vocab.<value>``) for the enums whose values had no label: histology,
receptor status, castration, SINS/Mirels/Tokuhashi inputs, signs and symptoms, analytes.

One catalogue: ``core.i18n.enum_label`` and ``core.derive.words.word`` both read these, so a
picker, a score breakdown and a rule's reason say the same thing (the neurological signs use the
referral form's wording, e.g. 步态障碍).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    f"vocab.{k}": v
    for k, v in {
        # histology
        "adenocarcinoma": ("adenocarcinoma", "腺癌"),
        "squamous_cell": ("squamous cell carcinoma", "鳞状细胞癌"),
        "small_cell": ("small cell carcinoma", "小细胞癌"),
        "invasive_ductal": ("invasive ductal carcinoma", "浸润性导管癌"),
        "invasive_lobular": ("invasive lobular carcinoma", "浸润性小叶癌"),
        "acinar_adenocarcinoma": ("acinar adenocarcinoma", "腺泡腺癌"),
        "clear_cell_rcc": ("clear-cell renal cell carcinoma", "透明细胞肾细胞癌"),
        "papillary_rcc": ("papillary renal cell carcinoma", "乳头状肾细胞癌"),
        "papillary_thyroid": ("papillary thyroid carcinoma", "甲状腺乳头状癌"),
        "follicular_thyroid": ("follicular thyroid carcinoma", "甲状腺滤泡癌"),
        "plasma_cell": ("plasma-cell neoplasm", "浆细胞肿瘤"),
        "hepatocellular": ("hepatocellular carcinoma", "肝细胞癌"),
        "urothelial": ("urothelial carcinoma", "尿路上皮癌"),
        "neuroendocrine": ("neuroendocrine tumour", "神经内分泌肿瘤"),
        "not_confirmed": ("not histologically confirmed", "未经组织学确诊"),
        # receptor / driver status, castration
        "positive": ("positive", "阳性"),
        "negative": ("negative", "阴性"),
        "unknown": ("unknown", "未知"),
        "sensitive": ("castration-sensitive", "去势敏感"),
        "resistant": ("castration-resistant", "去势抵抗"),
        # visceral disease, growth classes, pain grades
        "none": ("none", "无"),
        "nodular": ("nodular", "结节性"),
        "disseminated": ("disseminated", "弥漫性"),
        "slow": ("slow", "缓慢"),
        "moderate": ("moderate", "中等"),
        "rapid": ("rapid", "快速"),
        "mild": ("mild", "轻度"),
        "functional": ("functional pain", "功能性疼痛"),
        # pain character
        "nociceptive": ("nociceptive", "伤害感受性"),
        "neuropathic": ("neuropathic", "神经病理性"),
        # analytes
        "calcium": ("calcium", "血钙"),
        "ionised_calcium": ("ionised calcium", "离子钙"),
        "albumin": ("albumin", "白蛋白"),
        "creatinine": ("creatinine", "肌酐"),
        "alp": ("ALP", "碱性磷酸酶"),
        "hb": ("haemoglobin", "血红蛋白"),
        "platelets": ("platelets", "血小板"),
        "neutrophils": ("neutrophils", "中性粒细胞"),
        "psa": ("PSA", "PSA"),
        "ca15_3": ("CA 15-3", "CA 15-3"),
        "cea": ("CEA", "CEA"),
        "ca125": ("CA-125", "CA-125"),
        "crp": ("CRP", "CRP"),
        "ldh": ("LDH", "LDH"),
        "bilirubin": ("bilirubin", "胆红素"),
        "phosphate": ("phosphate", "血磷"),
        "magnesium": ("magnesium", "血镁"),
        # SINS inputs
        "subluxation_translation": ("subluxation or translation", "半脱位或移位"),
        "de_novo_deformity": ("de novo deformity (kyphosis or scoliosis)", "新发畸形（后凸或侧凸）"),
        "normal": ("normal", "正常"),
        "gt_50_collapse": ("more than 50% collapse", "塌陷 >50%"),
        "lt_50_collapse": ("less than 50% collapse", "塌陷 <50%"),
        "no_collapse_gt_50_involved": ("no collapse, more than 50% of the body involved", "无塌陷，椎体受累 >50%"),
        "bilateral": ("bilateral", "双侧"),
        "unilateral": ("unilateral", "单侧"),
        "mechanical": ("mechanical pain", "机械性疼痛"),
        "occasional_non_mechanical": ("occasional non-mechanical pain", "偶发非机械性疼痛"),
        "pain_free": ("pain-free", "无痛"),
        # Mirels inputs and femoral segments
        "lt_one_third": ("less than one third of the cortex", "小于皮质的 1/3"),
        "one_third_to_two_thirds": ("one third to two thirds of the cortex", "皮质的 1/3 至 2/3"),
        "gt_two_thirds": ("more than two thirds of the cortex", "大于皮质的 2/3"),
        "proximal": ("proximal", "近端"),
        "shaft": ("shaft", "骨干"),
        "distal": ("distal", "远端"),
        "acetabulum": ("acetabulum", "髋臼"),
        "ilium": ("ilium", "髂骨"),
        "ischium_pubis": ("ischium or pubis", "坐骨或耻骨"),
        "whole": ("whole bone", "全骨"),
        "peritrochanteric": ("peritrochanteric", "股骨转子周围"),
        # yes / no answers offered as a choice (posterior wall intact)
        "yes": ("yes", "是"),
        "no": ("no", "否"),
        # lesion status, surgeon's stability call
        "active": ("active", "活动性"),
        "treated": ("treated", "已治疗"),
        "responding": ("responding", "治疗有效"),
        "progressing": ("progressing", "进展中"),
        "stable": ("stable", "稳定"),
        "unstable": ("unstable", "不稳定"),
        # operations
        "biopsy": ("biopsy", "活检"),
        "stabilisation": ("stabilisation", "稳定手术"),
        "decompression_stabilisation": ("decompression and stabilisation", "减压加稳定手术"),
        "arthroplasty": ("arthroplasty", "关节置换"),
        "resection": ("resection", "切除术"),
        "non_skeletal": ("non-skeletal operation", "非骨骼手术"),
        # neurological signs (the referral form's wording)
        "limb_weakness": ("limb weakness", "肢体无力"),
        "sensory_level": ("sensory level", "感觉平面"),
        "gait_disturbance": ("gait disturbance", "步态障碍"),
        "bladder_bowel_dysfunction": ("bladder or bowel dysfunction", "膀胱或直肠功能障碍"),
        "saddle_anaesthesia": ("saddle anaesthesia", "鞍区麻木"),
        "radicular_or_band_pain": ("radicular or band-like pain", "神经根性或束带样疼痛"),
        # spinal pain signs
        "progressive_spinal_pain": ("progressive spinal pain", "进行性脊柱疼痛"),
        "pain_on_straining": ("pain on straining or coughing", "用力或咳嗽时疼痛"),
        "night_pain": ("night pain", "夜间痛"),
        "localised_tenderness": ("localised tenderness", "局部压痛"),
        # calcium symptoms
        "confusion_or_drowsiness": ("confusion or drowsiness", "意识混乱或嗜睡"),
        "vomiting": ("vomiting", "呕吐"),
        "dehydration": ("dehydration", "脱水"),
        "acute_kidney_injury": ("acute kidney injury", "急性肾损伤"),
        "arrhythmia": ("arrhythmia", "心律失常"),
        "tetany": ("tetany", "手足搐搦"),
        "seizures": ("seizures", "癫痫发作"),
        "long_qt": ("long QT interval", "QT 间期延长"),
    }.items()
}
