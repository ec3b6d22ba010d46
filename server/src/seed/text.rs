//! The demo's words, one set per language: customers, sites, rooms, templates, knowledge
//! articles, work orders, findings, plans and display names. The seeding code takes one
//! [`DemoText`] and has no language branches; codes (device types, categories, checklist item
//! ids), usernames, asset tags, vendors and models are the same in both.

use fieldsync_i18n::Lang;

/// One demo customer's names.
pub struct CustomerText {
    pub name: &'static str,
    pub site: &'static str,
    pub address: &'static str,
}

/// A knowledge article (its category is a code, in the seed).
pub struct ArticleText {
    pub title: &'static str,
    pub symptoms: &'static str,
    pub solution: &'static str,
}

/// The weekly server-room patrol's checklist, item by item.
pub struct PatrolText {
    pub name: &'static str,
    pub room_temp: &'static str,
    pub ups_load: &'static str,
    pub ups_battery: &'static str,
    pub core_switch: &'static str,
    pub firewall: &'static str,
    pub backup: &'static str,
    pub notes: &'static str,
}

/// The PC repair checklist.
pub struct PcRepairText {
    pub name: &'static str,
    pub power: &'static str,
    pub disk: &'static str,
    pub antivirus: &'static str,
    pub user_ok: &'static str,
}

/// The finished work the supervisor reviews (`reviews.rs`).
pub struct FinishedText {
    pub patrol_description: &'static str,
    pub room_temp_note: &'static str,
    pub backup_note: &'static str,
    pub observations: &'static str,
    pub filter_part: &'static str,
    pub patrol_findings: &'static str,
    pub signer: &'static str,
    pub repair_title: &'static str,
    pub repair_description: &'static str,
    pub battery_part: &'static str,
    pub repair_findings: &'static str,
    pub approval_note: &'static str,
    pub laptop: &'static str,
    pub time_on_site: &'static str,
}

/// Contract and inspection-plan names (`plans.rs`).
pub struct PlanText {
    pub office_contract: &'static str,
    pub clinic_contract: &'static str,
    pub weekly_inspection: &'static str,
    pub monthly_ups_test: &'static str,
}

/// Everything the demo writes in words, in one language.
pub struct DemoText {
    /// The language of the customers' documents (each site's `language`).
    pub lang: Lang,
    /// Display names of the demo users, in `DEMO_USERS` order.
    pub user_names: [&'static str; 5],
    /// The office tower, the school, the clinic.
    pub customers: [CustomerText; 3],
    pub access_notes: &'static str,
    /// `{}` is the floor number.
    pub floor: &'static str,
    pub server_room: &'static str,
    /// `{}` is the room number.
    pub office: &'static str,
    pub print_corner: &'static str,
    /// The office tower's core switch model, as the ledger annotates it.
    pub core_switch_model: &'static str,
    pub patrol: PatrolText,
    pub pc_repair: PcRepairText,
    /// The printer jam, the UPS on battery, the switch reboot.
    pub articles: [ArticleText; 3],
    /// `{}` is the site (or customer) patrolled.
    pub patrol_title: &'static str,
    pub patrol_description: &'static str,
    /// The open incidents' titles, in the seed's incident order.
    pub incidents: [&'static str; 5],
    /// `{}` is the customer who called.
    pub incident_description: &'static str,
    /// Who called about each incident and their number (name, phone), in the same order.
    pub callers: [(&'static str, &'static str); 5],
    /// Changes in the seed's change order: a major one awaiting approval, an emergency one
    /// under way, a standard one (title, description).
    pub changes: [(&'static str, &'static str); 3],
    pub finished: FinishedText,
    pub plans: PlanText,
}

impl DemoText {
    /// The demo in `lang`.
    pub fn of(lang: Lang) -> &'static DemoText {
        match lang {
            Lang::En => &EN,
            Lang::ZhCn => &ZH,
        }
    }
}

/// `template` with its `{}` replaced by `value`.
pub fn fill(template: &str, value: impl std::fmt::Display) -> String {
    template.replacen("{}", &value.to_string(), 1)
}

static EN: DemoText = DemoText {
    lang: Lang::En,
    user_names: [
        "Li Wei",
        "Zhang Min",
        "Dana Dispatcher",
        "Sam Supervisor",
        "Administrator",
    ],
    customers: [
        CustomerText {
            name: "Northwind Trading",
            site: "Northwind Office Tower",
            address: "88 Harbour Road, 12 floors",
        },
        CustomerText {
            name: "Riverside Secondary School",
            site: "Riverside School campus",
            address: "3 College Lane",
        },
        CustomerText {
            name: "Lakeside Clinic",
            site: "Lakeside Clinic",
            address: "17 Lake Street",
        },
    ],
    access_notes: "Report to reception; server room key at security desk.",
    floor: "{}F",
    server_room: "Server room",
    office: "Office {}",
    print_corner: "Print corner",
    core_switch_model: "Catalyst 9500 (core)",
    patrol: PatrolText {
        name: "Weekly server-room patrol",
        room_temp: "Server room temperature",
        ups_load: "UPS load",
        ups_battery: "UPS battery self-test",
        core_switch: "Core switch: links and fans",
        firewall: "Firewall: HA status and alerts",
        backup: "Last night's backup job",
        notes: "Observations",
    },
    pc_repair: PcRepairText {
        name: "PC repair",
        power: "Powers on, POST clean",
        disk: "Disk health (SMART)",
        antivirus: "Antivirus up to date",
        user_ok: "User confirms fixed",
    },
    articles: [
        ArticleText {
            title: "Printer shows 'Paper jam' with no paper inside",
            symptoms: "HP LaserJet M4xx reports a jam in tray 2 although the path is clear.",
            solution: "Open the rear door, clean the paper-presence sensor flag, power-cycle. If it recurs, replace the tray 2 pickup roller (part RM2-5452).",
        },
        ArticleText {
            title: "UPS on battery during generator test",
            symptoms: "The APC Smart-UPS switches to battery and alarms during the monthly generator test.",
            solution: "Set input sensitivity to 'Low' in the UPS menu; confirm the transfer voltage range is 160–280 V.",
        },
        ArticleText {
            title: "Users cannot reach file shares after switch reboot",
            symptoms: "After the core switch reboots, VLAN 20 clients get no DHCP lease.",
            solution: "Check the DHCP relay (ip helper-address) on VLAN 20; re-apply it and save the running config.",
        },
    ],
    patrol_title: "Weekly server-room patrol — {}",
    patrol_description: "Wednesday 09:00–12:00 on site: walk the server room, record readings.",
    incidents: [
        "Printer on 3F reports paper jam",
        "Finance share unreachable from 7F",
        "Computer lab PCs cannot log in",
        "UPS alarm in the clinic server cupboard",
        "Suspicious e-mail attachment opened on reception PC",
    ],
    incident_description: "Reported by phone to the service desk ({}).",
    callers: [
        ("Ms Chen", "010-6888 4410"),
        ("Mr Li", "010-6888 1234 ext. 8021"),
        ("Mr Zhao (IT teacher)", "139 1100 2233"),
        ("Head nurse Liu", "0755-8612 3456"),
        ("Ms Zhou (reception)", "010-6888 1000 ext. 8001"),
    ],
    changes: [
        (
            "Upgrade core switch firmware",
            "Upgrade the core switch to the vendor's fixed release; 30 min outage in the evening window, backout: previous image kept on flash.",
        ),
        (
            "Block attacker address range on the firewall",
            "Active intrusion attempts from one address range: block it at once, review the rule with the customer afterwards.",
        ),
        (
            "Replace toner on the 3F printer",
            "Routine consumable replacement on the agreed procedure.",
        ),
    ],
    finished: FinishedText {
        patrol_description: "Walk the server room, record readings.",
        room_temp_note: "CRAC unit filter clogged",
        backup_note: "Job failed: backup target full; old sets pruned, re-run OK",
        observations: "Room 29.5 °C on arrival, 24 °C after cleaning the filter.",
        filter_part: "CRAC air filter",
        patrol_findings: "Server room too warm (29.5 °C): CRAC filter clogged, replaced; 24 °C after. \
             Last night's backup had failed (target full): old sets pruned, job re-run OK.",
        signer: "陈美玲 (Chen Meiling)",
        repair_title: "UPS reports battery fault",
        repair_description: "Reported by phone: the UPS beeps and shows a battery fault.",
        battery_part: "Replacement battery cartridge",
        repair_findings: "Battery cartridge at end of life (self-test failed). Replaced, self-test passed, \
             load back on mains.",
        approval_note: "Good report, thank you.",
        laptop: "Li Wei's laptop (demo history)",
        time_on_site: "On site",
    },
    plans: PlanText {
        office_contract: "5×8 on-site, 7×24 phone",
        clinic_contract: "7×24 on call",
        weekly_inspection: "Weekly on-site inspection (Wed 09:00–12:00)",
        monthly_ups_test: "Monthly UPS test",
    },
};

/// As the customer's IT team and the service desk write it: DOMAIN.md's office building
/// (300 台电脑, 100 台打印机, 每周三 09:00–12:00 驻场巡检), full-width punctuation.
static ZH: DemoText = DemoText {
    lang: Lang::ZhCn,
    user_names: ["李伟", "张敏", "调度员 王丹", "主管 孙明", "系统管理员"],
    customers: [
        CustomerText {
            name: "华信贸易有限公司",
            site: "华信大厦写字楼",
            address: "上海市浦东新区滨江路 88 号（共 12 层）",
        },
        CustomerText {
            name: "滨江第二中学",
            site: "滨江二中校区",
            address: "上海市徐汇区学院路 3 号",
        },
        CustomerText {
            name: "湖畔社区诊所",
            site: "湖畔社区诊所",
            address: "上海市杨浦区湖滨街 17 号",
        },
    ],
    access_notes: "到前台登记；机房钥匙在保安室领取。",
    floor: "{}楼",
    server_room: "机房",
    office: "{} 室",
    print_corner: "打印区",
    core_switch_model: "Catalyst 9500（核心）",
    patrol: PatrolText {
        name: "每周机房巡检",
        room_temp: "机房温度",
        ups_load: "UPS 负载",
        ups_battery: "UPS 电池自检",
        core_switch: "核心交换机：链路与风扇",
        firewall: "防火墙：双机热备状态与告警",
        backup: "昨晚备份任务",
        notes: "巡检情况记录",
    },
    pc_repair: PcRepairText {
        name: "电脑故障维修",
        power: "开机正常，自检无报错",
        disk: "硬盘健康状态（SMART）",
        antivirus: "杀毒软件病毒库已更新",
        user_ok: "用户确认故障已排除",
    },
    articles: [
        ArticleText {
            title: "打印机提示“卡纸”但机内无纸",
            symptoms: "HP LaserJet M4xx 报 2 号纸盒卡纸，但进纸通道内没有纸。",
            solution: "打开后盖，清洁纸张检测传感器挡片，断电重启。如反复出现，更换 2 号纸盒搓纸轮（备件号 RM2-5452）。",
        },
        ArticleText {
            title: "发电机测试时 UPS 转电池供电",
            symptoms: "每月发电机测试时，APC Smart-UPS 切换到电池供电并告警。",
            solution: "在 UPS 菜单中将输入灵敏度设为“低”；确认市电切换电压范围为 160–280 V。",
        },
        ArticleText {
            title: "核心交换机重启后用户无法访问共享文件夹",
            symptoms: "核心交换机重启后，VLAN 20 的终端获取不到 DHCP 地址。",
            solution: "检查 VLAN 20 的 DHCP 中继（ip helper-address），重新配置后保存运行配置。",
        },
    ],
    patrol_title: "{}每周机房巡检",
    patrol_description: "每周三 09:00–12:00 驻场：巡查机房，记录读数。",
    incidents: [
        "3楼财务部打印机卡纸",
        "7楼无法访问财务共享盘",
        "计算机教室电脑无法登录",
        "诊所弱电间 UPS 告警",
        "前台电脑打开了可疑邮件附件",
    ],
    incident_description: "用户电话报修至服务台（{}）。",
    callers: [
        ("王芳", "138 0013 8000"),
        ("李强", "010-6888 1234 转 8021"),
        ("赵老师（信息课）", "139 1100 2233"),
        ("刘护士长", "0755-8612 3456"),
        ("周敏（前台）", "010-6888 1000 转 8001"),
    ],
    changes: [
        (
            "核心交换机固件升级",
            "将核心交换机升级至厂商修复版本；晚间窗口内中断约 30 分钟，回退方案：闪存保留原镜像。",
        ),
        (
            "防火墙封禁攻击来源网段",
            "某网段持续入侵尝试：立即封禁，事后与客户复核该规则。",
        ),
        ("更换 3 楼打印机硒鼓", "按既定流程的例行耗材更换。"),
    ],
    finished: FinishedText {
        patrol_description: "巡查机房，记录读数。",
        room_temp_note: "精密空调滤网堵塞",
        backup_note: "备份任务失败：备份目标空间已满；已清理旧备份集，重新运行成功",
        observations: "到场时机房 29.5 °C，清洗滤网后降至 24 °C。",
        filter_part: "精密空调滤网",
        patrol_findings: "机房温度过高（29.5 °C）：精密空调滤网堵塞，已更换，更换后 24 °C。\
             昨晚备份任务失败（备份目标空间已满）：已清理旧备份集，重新运行成功。",
        signer: "陈美玲",
        repair_title: "UPS 报电池故障",
        repair_description: "用户电话报修：UPS 蜂鸣告警并显示电池故障。",
        battery_part: "UPS 替换电池组",
        repair_findings: "电池组已到使用寿命（自检未通过）。已更换，自检通过，负载恢复市电供电。",
        approval_note: "报告完整，辛苦了。",
        laptop: "李伟的笔记本电脑（演示历史）",
        time_on_site: "现场处理",
    },
    plans: PlanText {
        office_contract: "5×8 驻场，7×24 电话支持",
        clinic_contract: "7×24 值守",
        weekly_inspection: "每周三驻场巡检（09:00–12:00）",
        monthly_ups_test: "UPS 月度测试",
    },
};
