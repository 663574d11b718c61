import HealthCardFoundation

/// Field tables of the encounter files, health-card.md appendices A (inpatient EE01-EE03,
/// 1893 bytes) and B (outpatient ED01-ED05, 3267 bytes). Offsets were cross-checked between two
/// vendor sources with no mismatch [V]; the first 3013 bytes of an outpatient file were read on
/// a real card [T]. Money fields carry 2 implied decimals [U] (§3).
enum EncounterLayout {
    // MARK: Inpatient (appendix A)

    static let inpatientFields: [FieldSpec] = [
        FieldSpec("institutionName", "住院机构名称", offset: 0, length: 70, .ans, .text),
        FieldSpec("institutionCode", "住院机构组织机构代码", offset: 70, length: 10, .ans, .text),
        FieldSpec("admissionDate", "入院日期", offset: 80, length: 4, .cn, .date),
        FieldSpec("admissionCount", "住院患者住院次数", offset: 84, length: 2, .cn, .digits),
        FieldSpec("medicalRecordNumber", "病案号", offset: 86, length: 18, .ans, .text),
        FieldSpec("admittingDepartment", "住院患者入院科室名称", offset: 104, length: 50, .ans, .text),
        FieldSpec("admissionCondition", "住院患者入院病情", offset: 154, length: 1, .cn, .digits),
        FieldSpec("hospitalInfection", "住院患者医院感染名称", offset: 155, length: 50, .ans, .text),
        FieldSpec("externalCause", "住院患者损伤和中毒外部原因", offset: 205, length: 7, .ans, .text),
        FieldSpec("resuscitations", "住院患者抢救次数", offset: 1005, length: 2, .cn, .digits),
        FieldSpec("successfulResuscitations", "住院患者抢救成功次数", offset: 1007, length: 2, .cn, .digits),
        FieldSpec("dischargeDate", "出院日期", offset: 1009, length: 4, .cn, .date),
        FieldSpec("dischargeDepartment", "住院患者出院科室名称", offset: 1013, length: 50, .ans, .text),
        FieldSpec("lengthOfStay", "住院患者住院天数", offset: 1063, length: 3, .cn, .digits),
        FieldSpec("autopsy", "住院患者尸检标志", offset: 1066, length: 1, .b, .flag),
        FieldSpec("followUp", "住院患者随诊标志", offset: 1067, length: 1, .b, .flag),
        FieldSpec("paymentMethod", "住院费用-医疗付款方式代码", offset: 1068, length: 1, .cn, .code(PaymentMethodTable.self)),
        FieldSpec("totalCost", "住院总费用", offset: 1589, length: 5, .cn, .money),
        FieldSpec("bedFee", "床位费", offset: 1594, length: 5, .cn, .money),
        FieldSpec("nursingFee", "住院护理费", offset: 1599, length: 5, .cn, .money),
        FieldSpec("westernDrugFee", "住院西药费", offset: 1604, length: 5, .cn, .money),
        FieldSpec("tcmDrugFee", "住院中药费", offset: 1609, length: 5, .cn, .money),
        FieldSpec("labFee", "住院化验费", offset: 1614, length: 5, .cn, .money),
        FieldSpec("treatmentFee", "住院诊疗费", offset: 1619, length: 5, .cn, .money),
        FieldSpec("surgeryFee", "住院手术费", offset: 1624, length: 5, .cn, .money),
        FieldSpec("examinationFee", "住院检查费", offset: 1629, length: 5, .cn, .money),
        FieldSpec("otherFee", "其他住院费用", offset: 1634, length: 5, .cn, .money),
        FieldSpec("signature", "交易信息签名", offset: 1639, length: 64, .b, .blob),
        FieldSpec("samCertificate", "SAM卡证书", offset: 1703, length: 190, .b, .blob),
    ]

    static let inpatientGroups: [FieldGroup] = [
        FieldGroup(
            "diagnoses", "血清学/诊断/手术/麻醉", offset: 212, count: 3, stride: 247,
            fields: [
                FieldSpec("serologyTest", "住院患者血清学检查项目代码", offset: 0, length: 1, .cn, .code(SerologyTestTable.self)),
                FieldSpec("serologyResult", "住院患者血清学检查结果代码", offset: 1, length: 1, .cn, .code(SerologyResultTable.self)),
                FieldSpec("diagnosisName", "疾病诊断名称", offset: 2, length: 50, .ans, .text),
                FieldSpec("diagnosisCode", "疾病诊断代码", offset: 52, length: 7, .ans, .text),
                FieldSpec("confirmedDate", "确诊日期", offset: 59, length: 4, .cn, .date),
                FieldSpec("concordanceText", "住院患者诊断符合情况-详细描述", offset: 63, length: 20, .ans, .text),
                FieldSpec("concordanceCode", "住院患者诊断符合情况-代码", offset: 83, length: 1, .cn, .digits),
                FieldSpec("diagnosisTypeText", "住院患者疾病诊断类型-详细描述", offset: 84, length: 20, .ans, .text),
                FieldSpec("diagnosisTypeCode", "住院患者疾病诊断类型-代码", offset: 104, length: 1, .cn, .digits),
                FieldSpec("outcome", "住院患者治疗结果代码", offset: 105, length: 1, .cn, .code(TreatmentOutcomeTable.self)),
                FieldSpec("procedureName", "手术/操作-名称", offset: 106, length: 80, .ans, .text),
                FieldSpec("procedureCode", "手术/操作-代码", offset: 186, length: 5, .ans, .text),
                FieldSpec("procedureDate", "手术/操作-日期", offset: 191, length: 4, .cn, .date),
                FieldSpec("anaesthesiaMethod", "麻醉-方法", offset: 195, length: 50, .ans, .text),
                FieldSpec("anaesthesiaCode", "麻醉-方法代码", offset: 245, length: 1, .cn, .code(AnaesthesiaMethodTable.self)),
                FieldSpec("woundHealingGrade", "手术切口愈合等级代码", offset: 246, length: 1, .cn, .code(WoundHealingGradeTable.self)),
            ]),
        FieldGroup(
            "transfusions", "输血", offset: 953, count: 4, stride: 13,
            fields: [
                FieldSpec("product", "住院期间输血品种代码", offset: 0, length: 1, .cn, .code(TransfusionProductTable.self)),
                FieldSpec("amount", "住院期间输血量", offset: 1, length: 2, .cn, .digits),
                FieldSpec("unit", "住院患者输血量计量单位", offset: 3, length: 10, .ans, .text),
            ]),
        FieldGroup(
            "costs", "住院费用", offset: 1069, count: 20, stride: 26,
            fields: [
                FieldSpec("category", "住院费用-分类", offset: 0, length: 20, .ans, .text),
                FieldSpec("categoryCode", "住院费用-分类代码", offset: 20, length: 1, .ans, .text),
                FieldSpec("amount", "住院费用-金额", offset: 21, length: 5, .cn, .money),
            ]),
    ]

    // MARK: Outpatient (appendix B)

    static let outpatientFields: [FieldSpec] = [
        FieldSpec("institutionName", "就诊机构名称", offset: 0, length: 70, .ans, .text, .traceVerified),
        FieldSpec("institutionCode", "就诊机构组织机构代码", offset: 70, length: 10, .ans, .text, .traceVerified),
        FieldSpec("visitTime", "就诊日期时间", offset: 80, length: 7, .cn, .dateTime, .traceVerified),
        FieldSpec("outpatientNumber", "门诊号", offset: 87, length: 18, .ans, .text, .traceVerified),
        FieldSpec("department", "就医科室名称", offset: 105, length: 50, .ans, .text, .traceVerified),
        FieldSpec("paymentMethod", "医疗付款方式", offset: 155, length: 1, .cn, .code(PaymentMethodTable.self)),
        FieldSpec("signature", "交易信息签名", offset: 3013, length: 64, .b, .blob),
        FieldSpec("samCertificate", "SAM卡证书", offset: 3077, length: 190, .b, .blob),
    ]

    static let outpatientGroups: [FieldGroup] = [
        FieldGroup(
            "symptoms", "症状/诊断", offset: 156, count: 5, stride: 125,
            fields: [
                FieldSpec("symptomName", "症状名称", offset: 0, length: 50, .ans, .text),
                FieldSpec("symptomCode", "症状代码", offset: 50, length: 5, .ans, .text),
                FieldSpec("diagnosisDate", "诊断日期", offset: 55, length: 4, .cn, .date),
                FieldSpec("diagnosisName", "门诊诊断名称", offset: 59, length: 50, .ans, .text),
                FieldSpec("diagnosisCode", "门诊诊断代码", offset: 109, length: 7, .ans, .text),
                FieldSpec("onsetTime", "发病日期时间", offset: 116, length: 7, .cn, .dateTime),
                FieldSpec("durationMinutes", "症状持续时间", offset: 123, length: 2, .cn, .digits),
            ]),
        FieldGroup(
            "examinations", "检查/检验", offset: 781, count: 10, stride: 126,
            fields: [
                FieldSpec("name", "检查/检验项目名称", offset: 0, length: 80, .ans, .text),
                FieldSpec("result", "检查/检验结果代码", offset: 80, length: 1, .cn, .code(ExamResultTable.self)),
                FieldSpec("quantitative", "检查/检验定量结果", offset: 81, length: 5, .cn, .digits),
                FieldSpec("unit", "检查/检验计量单位", offset: 86, length: 20, .ans, .text),
                FieldSpec("itemCode", "检查/检验项目代码", offset: 106, length: 20, .ans, .text),
            ]),
        FieldGroup(
            "drugs", "药物", offset: 2041, count: 5, stride: 91,
            fields: [
                FieldSpec("name", "药物名称", offset: 0, length: 50, .ans, .text),
                FieldSpec("dosageForm", "药物剂型代码", offset: 50, length: 1, .cn, .code(DosageFormTable.self)),
                FieldSpec("days", "用药天数", offset: 51, length: 3, .cn, .digits),
                FieldSpec("frequency", "药物使用频率", offset: 54, length: 20, .ans, .text),
                FieldSpec("doseUnit", "药物使用剂量单位", offset: 74, length: 6, .ans, .text),
                FieldSpec("singleDose", "药物使用次剂量", offset: 80, length: 3, .cn, .digits),
                FieldSpec("totalDose", "药物使用总剂量", offset: 83, length: 6, .cn, .digits),
                FieldSpec("route", "药物使用途径代码", offset: 89, length: 2, .cn, .code(MedicationRouteTable.self)),
            ]),
        FieldGroup(
            "procedures", "手术/操作", offset: 2496, count: 3, stride: 89,
            fields: [
                FieldSpec("name", "手术/操作名称", offset: 0, length: 80, .ans, .text),
                FieldSpec("code", "手术/操作代码", offset: 80, length: 5, .ans, .text),
                FieldSpec("date", "手术/操作日期", offset: 85, length: 4, .cn, .date),
            ]),
        FieldGroup(
            "fees", "门诊费用", offset: 2763, count: 10, stride: 25,
            fields: [
                FieldSpec("category", "门诊费用分类名称", offset: 0, length: 20, .ans, .text),
                FieldSpec("categoryCode", "门诊费用分类代码", offset: 20, length: 1, .cn, .code(OutpatientFeeCategoryTable.self)),
                FieldSpec("amount", "门诊费用金额", offset: 21, length: 4, .cn, .money),
            ]),
    ]
}
