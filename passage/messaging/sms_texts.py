"""The default SMS texts per message kind and language, used where a mission has not written its own
(``SmsTemplate``). Placeholders in braces are filled from the journey; nothing else goes into an SMS — no name,
no legal status, no programme (docs/decisions/0013).

Staff edit the texts in the UI; these defaults are the starting point and the fallback."""

from .enums import SmsKind as K

# What each placeholder is; a template may use only these.
PLACEHOLDERS = {
    "flight": "TK1952",
    "date": "08-12-2026",
    "time": "10:00",
    "airport": "AMS",
    "report_time": "07:00",
    "arrival_airport": "KBL",
    # An appointment's place as the migrant finds it (a work post's name and public address, a visit's location,
    # or "by phone" / "by video call" in the message's language, ``PHRASES``).
    "place": "Kantoor Amsterdam, Voorbeeldstraat 1",
    # Empty, or the request to bring documents in the message's language (``PHRASES``), with its leading space.
    "bring": " Bring your passport and other identity and travel documents.",
}

# The placeholders each kind may use.
ALLOWED = {
    K.FLIGHT_BOOKED: {"flight", "date", "time", "airport", "report_time"},
    K.FLIGHT_CHANGED: {"flight", "date", "time", "airport", "report_time"},
    K.FLIGHT_CANCELLED: {"flight", "date"},
    K.REMINDER: {"flight", "date", "time", "airport", "report_time"},
    K.ARRIVAL_CONTACT: {"arrival_airport"},
    K.DEPARTED: {"arrival_airport"},
    K.APPOINTMENT_SET: {"date", "time", "place", "bring"},
    K.APPOINTMENT_CHANGED: {"date", "time", "place", "bring"},
    K.APPOINTMENT_CANCELLED: {"date", "time"},
}

# The languages the organisation writes SMS in (ISO 639-1), in the order the editor lists them.
LANGUAGES = ["nl", "en", "fr", "ar", "fa", "ps", "ti", "so", "ru", "sq", "mn", "ka", "tr", "es", "pt"]

DEFAULTS: dict[str, dict[str, str]] = {
    K.FLIGHT_BOOKED: {
        "nl": "IOM: uw vlucht {flight} vertrekt op {date} om {time} van {airport}. Kom om {report_time} (3 uur "
              "ervoor) naar de IOM-balie in de vertrekhal.",
        "en": "IOM: your flight {flight} leaves {airport} on {date} at {time}. Come to the IOM desk in the "
              "departure hall at {report_time}, 3 hours before.",
        "fr": "OIM : votre vol {flight} part de {airport} le {date} à {time}. Présentez-vous au guichet de l'OIM "
              "dans le hall des départs à {report_time}, 3 heures avant.",
        "ar": "المنظمة الدولية للهجرة: رحلتك {flight} تغادر {airport} يوم {date} الساعة {time}. تعال إلى مكتب "
              "المنظمة في صالة المغادرة الساعة {report_time}، قبل 3 ساعات.",
        "fa": "سازمان بین‌المللی مهاجرت: پرواز شما {flight} در تاریخ {date} ساعت {time} از {airport} حرکت می‌کند. "
              "ساعت {report_time}، سه ساعت قبل، به میز IOM در سالن خروجی بیایید.",
        "ps": "IOM: ستاسو الوتنه {flight} د {date} په نېټه د {time} بجو له {airport} څخه الوزي. په {report_time} "
              "بجو، درې ساعته مخکې، د وتلو په تالار کې د IOM مېز ته راشئ.",
        "ti": "IOM: በረራኹም {flight} ብ{date} ሰዓት {time} ካብ {airport} ይብገስ። ሰዓት {report_time}፣ 3 ሰዓት "
              "ቅድሚኡ፣ ናብ ጣውላ IOM ኣብ ኣዳራሽ መብገሲ ንዑ።",
        "so": "IOM: duulimaadkaaga {flight} wuxuu ka ambabaxayaa {airport} {date} saacadda {time}. Kaalay miiska "
              "IOM ee hoolka ambabaxa saacadda {report_time}, 3 saacadood ka hor.",
        "ru": "МОМ: ваш рейс {flight} вылетает из {airport} {date} в {time}. Приходите к стойке МОМ в зале "
              "вылета в {report_time}, за 3 часа.",
        "sq": "IOM: fluturimi juaj {flight} niset nga {airport} më {date} në orën {time}. Ejani te banaku i IOM "
              "në sallën e nisjes në orën {report_time}, 3 orë më parë.",
        "mn": "ОУШБ: таны {flight} нислэг {date}-нд {time} цагт {airport}-аас хөөрнө. {report_time} цагт, 3 "
              "цагийн өмнө, гарах танхим дахь ОУШБ-ын ширээнд ирнэ үү.",
        "ka": "IOM: თქვენი რეისი {flight} {airport}-დან გადის {date}, {time}-ზე. მობრძანდით IOM-ის მაგიდასთან "
              "გასვლის დარბაზში {report_time}-ზე, 3 საათით ადრე.",
        "tr": "IOM: {flight} sefer sayılı uçuşunuz {date} tarihinde saat {time}'da {airport}'dan kalkıyor. Saat "
              "{report_time}'da, 3 saat önce, dış hatlar gidiş salonundaki IOM masasına gelin.",
        "es": "OIM: su vuelo {flight} sale de {airport} el {date} a las {time}. Preséntese en el mostrador de la "
              "OIM en la sala de salidas a las {report_time}, 3 horas antes.",
        "pt": "OIM: o seu voo {flight} parte de {airport} no dia {date} às {time}. Apresente-se no balcão da OIM "
              "na sala de partidas às {report_time}, 3 horas antes.",
    },
    K.FLIGHT_CHANGED: {
        "nl": "IOM: uw vlucht is gewijzigd. Nieuwe vlucht {flight} op {date} om {time} van {airport}. Kom om "
              "{report_time} naar de IOM-balie in de vertrekhal.",
        "en": "IOM: your flight has changed. New flight {flight} from {airport} on {date} at {time}. Come to the "
              "IOM desk in the departure hall at {report_time}.",
        "fr": "OIM : votre vol a changé. Nouveau vol {flight} de {airport} le {date} à {time}. Présentez-vous au "
              "guichet de l'OIM dans le hall des départs à {report_time}.",
        "ar": "المنظمة الدولية للهجرة: تغيّرت رحلتك. الرحلة الجديدة {flight} من {airport} يوم {date} الساعة "
              "{time}. تعال إلى مكتب المنظمة في صالة المغادرة الساعة {report_time}.",
        "fa": "سازمان بین‌المللی مهاجرت: پرواز شما تغییر کرد. پرواز جدید {flight} از {airport} در تاریخ {date} "
              "ساعت {time}. ساعت {report_time} به میز IOM در سالن خروجی بیایید.",
        "ps": "IOM: ستاسو الوتنه بدله شوه. نوې الوتنه {flight} له {airport} څخه د {date} په نېټه د {time} بجو. "
              "په {report_time} بجو د وتلو په تالار کې د IOM مېز ته راشئ.",
        "ti": "IOM: በረራኹም ተቐይሩ። ሓድሽ በረራ {flight} ካብ {airport} ብ{date} ሰዓት {time}። ሰዓት {report_time} ናብ "
              "ጣውላ IOM ኣብ ኣዳራሽ መብገሲ ንዑ።",
        "so": "IOM: duulimaadkaagii waa isbeddelay. Duulimaad cusub {flight} oo ka baxaya {airport} {date} "
              "saacadda {time}. Kaalay miiska IOM ee hoolka ambabaxa saacadda {report_time}.",
        "ru": "МОМ: ваш рейс изменён. Новый рейс {flight} из {airport} {date} в {time}. Приходите к стойке МОМ "
              "в зале вылета в {report_time}.",
        "sq": "IOM: fluturimi juaj ka ndryshuar. Fluturimi i ri {flight} nga {airport} më {date} në orën "
              "{time}. Ejani te banaku i IOM në sallën e nisjes në orën {report_time}.",
        "mn": "ОУШБ: таны нислэг өөрчлөгдлөө. Шинэ нислэг {flight}, {airport}-аас {date}-нд {time} цагт. "
              "{report_time} цагт гарах танхим дахь ОУШБ-ын ширээнд ирнэ үү.",
        "ka": "IOM: თქვენი რეისი შეიცვალა. ახალი რეისი {flight} {airport}-დან {date}, {time}-ზე. მობრძანდით "
              "IOM-ის მაგიდასთან გასვლის დარბაზში {report_time}-ზე.",
        "tr": "IOM: uçuşunuz değişti. Yeni uçuş {flight}, {date} tarihinde saat {time}'da {airport}'dan. Saat "
              "{report_time}'da gidiş salonundaki IOM masasına gelin.",
        "es": "OIM: su vuelo ha cambiado. Nuevo vuelo {flight} de {airport} el {date} a las {time}. Preséntese en "
              "el mostrador de la OIM en la sala de salidas a las {report_time}.",
        "pt": "OIM: o seu voo mudou. Novo voo {flight} de {airport} no dia {date} às {time}. Apresente-se no "
              "balcão da OIM na sala de partidas às {report_time}.",
    },
    K.FLIGHT_CANCELLED: {
        "nl": "IOM: uw vlucht {flight} van {date} gaat niet door. Uw begeleider neemt contact met u op over een "
              "nieuwe vlucht.",
        "en": "IOM: your flight {flight} on {date} is cancelled. Your counsellor will contact you about a new "
              "flight.",
        "fr": "OIM : votre vol {flight} du {date} est annulé. Votre conseiller vous contactera pour un nouveau vol.",
        "ar": "المنظمة الدولية للهجرة: أُلغيت رحلتك {flight} يوم {date}. سيتصل بك مرشدك بشأن رحلة جديدة.",
        "fa": "سازمان بین‌المللی مهاجرت: پرواز شما {flight} در تاریخ {date} لغو شد. مشاور شما برای پرواز جدید "
              "با شما تماس می‌گیرد.",
        "ps": "IOM: ستاسو الوتنه {flight} د {date} په نېټه لغوه شوه. ستاسو سلاکار به د نوې الوتنې په اړه له "
              "تاسو سره اړیکه ونیسي.",
        "ti": "IOM: በረራኹም {flight} ናይ {date} ተሰሪዙ። ኣማኻሪኹም ብዛዕባ ሓድሽ በረራ ክረኽበኩም እዩ።",
        "so": "IOM: duulimaadkaaga {flight} ee {date} waa la joojiyay. La-taliyahaagu wuu kula soo xiriiri doonaa "
              "duulimaad cusub.",
        "ru": "МОМ: ваш рейс {flight} {date} отменён. Ваш консультант свяжется с вами насчёт нового рейса.",
        "sq": "IOM: fluturimi juaj {flight} më {date} është anuluar. Këshilltari juaj do t'ju kontaktojë për një "
              "fluturim të ri.",
        "mn": "ОУШБ: таны {date}-ны {flight} нислэг цуцлагдлаа. Шинэ нислэгийн талаар зөвлөх тань тантай "
              "холбогдоно.",
        "ka": "IOM: თქვენი რეისი {flight} {date} გაუქმდა. თქვენი კონსულტანტი დაგიკავშირდებათ ახალი რეისის "
              "შესახებ.",
        "tr": "IOM: {date} tarihli {flight} uçuşunuz iptal edildi. Danışmanınız yeni bir uçuş için sizinle "
              "iletişime geçecek.",
        "es": "OIM: su vuelo {flight} del {date} está cancelado. Su consejero se pondrá en contacto con usted para "
              "un nuevo vuelo.",
        "pt": "OIM: o seu voo {flight} de {date} foi cancelado. O seu conselheiro vai contactá-lo sobre um novo "
              "voo.",
    },
    K.REMINDER: {
        "nl": "IOM herinnering: morgen {date}, vlucht {flight} om {time} van {airport}. Wees om {report_time} bij "
              "de IOM-balie in de vertrekhal.",
        "en": "IOM reminder: tomorrow {date}, flight {flight} at {time} from {airport}. Be at the IOM desk in the "
              "departure hall at {report_time}.",
        "fr": "Rappel OIM : demain {date}, vol {flight} à {time} de {airport}. Soyez au guichet de l'OIM dans le "
              "hall des départs à {report_time}.",
        "ar": "تذكير من المنظمة الدولية للهجرة: غدًا {date}، الرحلة {flight} الساعة {time} من {airport}. كن في "
              "مكتب المنظمة في صالة المغادرة الساعة {report_time}.",
        "fa": "یادآوری IOM: فردا {date}، پرواز {flight} ساعت {time} از {airport}. ساعت {report_time} در میز IOM "
              "در سالن خروجی باشید.",
        "ps": "د IOM یادونه: سبا {date}، الوتنه {flight} د {time} بجو له {airport} څخه. په {report_time} بجو د "
              "وتلو په تالار کې د IOM مېز ته راشئ.",
        "ti": "መዘኻኸሪ IOM: ጽባሕ {date}፣ በረራ {flight} ሰዓት {time} ካብ {airport}። ሰዓት {report_time} ኣብ ጣውላ "
              "IOM ኣብ ኣዳራሽ መብገሲ ተረኸቡ።",
        "so": "Xasuusin IOM: berri {date}, duulimaadka {flight} saacadda {time} ee ka baxaya {airport}. Joog miiska "
              "IOM ee hoolka ambabaxa saacadda {report_time}.",
        "ru": "Напоминание МОМ: завтра {date}, рейс {flight} в {time} из {airport}. Будьте у стойки МОМ в зале "
              "вылета в {report_time}.",
        "sq": "Kujtesë nga IOM: nesër {date}, fluturimi {flight} në orën {time} nga {airport}. Jini te banaku i "
              "IOM në sallën e nisjes në orën {report_time}.",
        "mn": "ОУШБ-ын сануулга: маргааш {date}, {flight} нислэг {time} цагт {airport}-аас. {report_time} цагт "
              "гарах танхим дахь ОУШБ-ын ширээнд ирнэ үү.",
        "ka": "IOM-ის შეხსენება: ხვალ {date}, რეისი {flight} {time}-ზე {airport}-დან. იყავით IOM-ის მაგიდასთან "
              "გასვლის დარბაზში {report_time}-ზე.",
        "tr": "IOM hatırlatma: yarın {date}, {flight} uçuşu saat {time}'da {airport}'dan. Saat {report_time}'da "
              "gidiş salonundaki IOM masasında olun.",
        "es": "Recordatorio de la OIM: mañana {date}, vuelo {flight} a las {time} de {airport}. Esté en el "
              "mostrador de la OIM en la sala de salidas a las {report_time}.",
        "pt": "Lembrete da OIM: amanhã {date}, voo {flight} às {time} de {airport}. Esteja no balcão da OIM na "
              "sala de partidas às {report_time}.",
    },
    K.ARRIVAL_CONTACT: {
        "nl": "IOM: bij aankomst in {arrival_airport} wacht een medewerker van IOM u op na de paspoortcontrole.",
        "en": "IOM: on arrival in {arrival_airport} IOM staff will meet you after passport control.",
        "fr": "OIM : à votre arrivée à {arrival_airport}, le personnel de l'OIM vous attendra après le contrôle "
              "des passeports.",
        "ar": "المنظمة الدولية للهجرة: عند وصولك إلى {arrival_airport} سيستقبلك موظفو المنظمة بعد مراقبة "
              "الجوازات.",
        "fa": "سازمان بین‌المللی مهاجرت: هنگام رسیدن به {arrival_airport}، کارکنان IOM پس از کنترل گذرنامه به "
              "استقبال شما می‌آیند.",
        "ps": "IOM: {arrival_airport} ته د رسېدو پر مهال به د IOM کارکوونکي د پاسپورټ له کنټرول وروسته تاسو "
              "ووینې.",
        "ti": "IOM: ናብ {arrival_airport} ምስ በጻሕኩም፣ ሰራሕተኛታት IOM ድሕሪ ምርመራ ፓስፖርት ክቕበሉኹም እዮም።",
        "so": "IOM: markaad gaarto {arrival_airport} shaqaalaha IOM ayaa kula kulmi doona kadib baaritaanka "
              "baasaboorka.",
        "ru": "МОМ: по прибытии в {arrival_airport} сотрудники МОМ встретят вас после паспортного контроля.",
        "sq": "IOM: në mbërritje në {arrival_airport} stafi i IOM do t'ju presë pas kontrollit të pasaportave.",
        "mn": "ОУШБ: {arrival_airport}-д ирэхэд паспортын хяналтын дараа ОУШБ-ын ажилтан таныг угтана.",
        "ka": "IOM: {arrival_airport}-ში ჩასვლისას IOM-ის თანამშრომელი დაგხვდებათ საპასპორტო კონტროლის შემდეგ.",
        "tr": "IOM: {arrival_airport}'a varışta IOM personeli sizi pasaport kontrolünden sonra karşılayacak.",
        "es": "OIM: a su llegada a {arrival_airport}, personal de la OIM le recibirá después del control de "
              "pasaportes.",
        "pt": "OIM: à chegada a {arrival_airport}, pessoal da OIM vai recebê-lo depois do controlo de passaportes.",
    },
    K.DEPARTED: {
        "nl": "IOM: goede reis naar {arrival_airport}. Na uw terugkeer neemt IOM via dit nummer contact met u op "
              "over uw steun. Houd dit nummer.",
        "en": "IOM: safe journey to {arrival_airport}. After your return IOM will contact you on this number about "
              "your support. Please keep this number.",
        "fr": "OIM : bon voyage vers {arrival_airport}. Après votre retour, l'OIM vous contactera à ce numéro pour "
              "votre soutien. Gardez ce numéro.",
        "ar": "المنظمة الدولية للهجرة: رحلة آمنة إلى {arrival_airport}. بعد عودتك ستتصل بك المنظمة على هذا الرقم "
              "بشأن دعمك. احتفظ بهذا الرقم.",
        "fa": "سازمان بین‌المللی مهاجرت: سفر بخیر به {arrival_airport}. پس از بازگشت، IOM از طریق همین شماره "
              "دربارهٔ حمایت از شما تماس می‌گیرد. این شماره را نگه دارید.",
        "ps": "IOM: {arrival_airport} ته مو سفر په خیر. له راستنېدو وروسته به IOM په همدې شمېره ستاسو د ملاتړ "
              "په اړه تاسو سره اړیکه ونیسي. دا شمېره وساتئ.",
        "ti": "IOM: ናብ {arrival_airport} ጽቡቕ ጉዕዞ። ድሕሪ ምምላስኩም IOM ብዛዕባ ሓገዝኩም በዚ ቁጽሪ ክረኽበኩም እዩ። ነዚ ቁጽሪ "
              "ሓልዉዎ።",
        "so": "IOM: safar wanaagsan oo {arrival_airport} ah. Kadib markaad noqoto IOM ayaa kugala soo xiriiri "
              "doonta lambarkan taageeradaada. Fadlan hay lambarkan.",
        "ru": "МОМ: счастливого пути в {arrival_airport}. После возвращения МОМ свяжется с вами по этому номеру "
              "насчёт вашей поддержки. Сохраните этот номер.",
        "sq": "IOM: udhëtim të mbarë për në {arrival_airport}. Pas kthimit IOM do t'ju kontaktojë në këtë numër "
              "për mbështetjen tuaj. Ruajeni këtë numër.",
        "mn": "ОУШБ: {arrival_airport} хүртэл сайн яваарай. Буцаж ирсний дараа ОУШБ энэ дугаараар тантай "
              "дэмжлэгийн талаар холбогдоно. Энэ дугаараа хадгална уу.",
        "ka": "IOM: ბედნიერ გზას {arrival_airport}-მდე. დაბრუნების შემდეგ IOM ამ ნომერზე დაგიკავშირდებათ თქვენი "
              "დახმარების შესახებ. შეინახეთ ეს ნომერი.",
        "tr": "IOM: {arrival_airport}'a iyi yolculuklar. Dönüşünüzden sonra IOM desteğiniz için bu numaradan "
              "sizinle iletişime geçecek. Lütfen bu numarayı koruyun.",
        "es": "OIM: buen viaje a {arrival_airport}. Después de su regreso, la OIM le contactará en este número sobre "
              "su apoyo. Conserve este número.",
        "pt": "OIM: boa viagem para {arrival_airport}. Depois do seu regresso, a OIM vai contactá-lo neste número "
              "sobre o seu apoio. Guarde este número.",
    },
    K.APPOINTMENT_SET: {
        "nl": "IOM: u hebt een afspraak op {date} om {time}, {place}.{bring}",
        "en": "IOM: you have an appointment on {date} at {time}, {place}.{bring}",
        "fr": "OIM : vous avez un rendez-vous le {date} à {time}, {place}.{bring}",
        "ar": "المنظمة الدولية للهجرة: لديك موعد يوم {date} الساعة {time}، {place}.{bring}",
        "fa": "سازمان بین‌المللی مهاجرت: شما در تاریخ {date} ساعت {time} قرار ملاقات دارید، {place}.{bring}",
        "ps": "IOM: تاسو د {date} په نېټه د {time} بجو ملاقات لرئ، {place}.{bring}",
        "ti": "IOM: ብ{date} ሰዓት {time} ቆጸራ ኣለኩም፣ {place}።{bring}",
        "so": "IOM: waxaad ballan leedahay {date} saacadda {time}, {place}.{bring}",
        "ru": "МОМ: у вас встреча {date} в {time}, {place}.{bring}",
        "sq": "IOM: keni një takim më {date} në orën {time}, {place}.{bring}",
        "mn": "ОУШБ: танд {date}-нд {time} цагт уулзалт товлогдлоо, {place}.{bring}",
        "ka": "IOM: თქვენ გაქვთ შეხვედრა {date}, {time}-ზე, {place}.{bring}",
        "tr": "IOM: {date} tarihinde saat {time}'da randevunuz var, {place}.{bring}",
        "es": "OIM: tiene una cita el {date} a las {time}, {place}.{bring}",
        "pt": "OIM: tem uma marcação no dia {date} às {time}, {place}.{bring}",
    },
    K.APPOINTMENT_CHANGED: {
        "nl": "IOM: uw afspraak is gewijzigd. Nieuwe afspraak: {date} om {time}, {place}.{bring}",
        "en": "IOM: your appointment has changed. New appointment: {date} at {time}, {place}.{bring}",
        "fr": "OIM : votre rendez-vous a changé. Nouveau rendez-vous : le {date} à {time}, {place}.{bring}",
        "ar": "المنظمة الدولية للهجرة: تغيّر موعدك. الموعد الجديد: يوم {date} الساعة {time}، {place}.{bring}",
        "fa": "سازمان بین‌المللی مهاجرت: قرار ملاقات شما تغییر کرد. قرار جدید: تاریخ {date} ساعت {time}، "
              "{place}.{bring}",
        "ps": "IOM: ستاسو ملاقات بدل شو. نوی ملاقات: د {date} په نېټه د {time} بجو، {place}.{bring}",
        "ti": "IOM: ቆጸራኹም ተቐይሩ። ሓድሽ ቆጸራ: ብ{date} ሰዓት {time}፣ {place}።{bring}",
        "so": "IOM: ballantaadii waa isbeddeshay. Ballanta cusub: {date} saacadda {time}, {place}.{bring}",
        "ru": "МОМ: ваша встреча изменена. Новая встреча: {date} в {time}, {place}.{bring}",
        "sq": "IOM: takimi juaj ka ndryshuar. Takimi i ri: më {date} në orën {time}, {place}.{bring}",
        "mn": "ОУШБ: таны уулзалт өөрчлөгдлөө. Шинэ уулзалт: {date}-нд {time} цагт, {place}.{bring}",
        "ka": "IOM: თქვენი შეხვედრა შეიცვალა. ახალი შეხვედრა: {date}, {time}-ზე, {place}.{bring}",
        "tr": "IOM: randevunuz değişti. Yeni randevu: {date} tarihinde saat {time}'da, {place}.{bring}",
        "es": "OIM: su cita ha cambiado. Nueva cita: el {date} a las {time}, {place}.{bring}",
        "pt": "OIM: a sua marcação mudou. Nova marcação: no dia {date} às {time}, {place}.{bring}",
    },
    K.APPOINTMENT_CANCELLED: {
        "nl": "IOM: uw afspraak op {date} om {time} gaat niet door. Uw begeleider neemt contact met u op.",
        "en": "IOM: your appointment on {date} at {time} is cancelled. Your counsellor will contact you.",
        "fr": "OIM : votre rendez-vous du {date} à {time} est annulé. Votre conseiller vous contactera.",
        "ar": "المنظمة الدولية للهجرة: أُلغي موعدك يوم {date} الساعة {time}. سيتصل بك مرشدك.",
        "fa": "سازمان بین‌المللی مهاجرت: قرار ملاقات شما در تاریخ {date} ساعت {time} لغو شد. مشاور شما با شما "
              "تماس می‌گیرد.",
        "ps": "IOM: ستاسو ملاقات د {date} په نېټه د {time} بجو لغوه شو. ستاسو سلاکار به له تاسو سره اړیکه ونیسي.",
        "ti": "IOM: ቆጸራኹም ናይ {date} ሰዓት {time} ተሰሪዙ። ኣማኻሪኹም ክረኽበኩም እዩ።",
        "so": "IOM: ballantaada {date} saacadda {time} waa la joojiyay. La-taliyahaagu wuu kula soo xiriiri "
              "doonaa.",
        "ru": "МОМ: ваша встреча {date} в {time} отменена. Ваш консультант свяжется с вами.",
        "sq": "IOM: takimi juaj më {date} në orën {time} është anuluar. Këshilltari juaj do t'ju kontaktojë.",
        "mn": "ОУШБ: таны {date}-ны {time} цагийн уулзалт цуцлагдлаа. Зөвлөх тань тантай холбогдоно.",
        "ka": "IOM: თქვენი შეხვედრა {date}, {time}-ზე გაუქმდა. თქვენი კონსულტანტი დაგიკავშირდებათ.",
        "tr": "IOM: {date} tarihinde saat {time}'daki randevunuz iptal edildi. Danışmanınız sizinle iletişime "
              "geçecek.",
        "es": "OIM: su cita del {date} a las {time} está cancelada. Su consejero se pondrá en contacto con usted.",
        "pt": "OIM: a sua marcação de {date} às {time} foi cancelada. O seu conselheiro vai contactá-lo.",
    },
}

# Words that fill an appointment's placeholders in the message's language: where it is when it is not at a
# place ({place}), and the request to bring documents ({bring}, with its leading space). Not templates: staff
# edit the texts around them.
PHRASES: dict[str, dict[str, str]] = {
    "phone": {
        "nl": "telefonisch: IOM belt u",
        "en": "by phone: IOM will call you",
        "fr": "par téléphone : l'OIM vous appellera",
        "ar": "عبر الهاتف: ستتصل بك المنظمة",
        "fa": "تلفنی: IOM با شما تماس می‌گیرد",
        "ps": "د تلیفون له لارې: IOM به تاسو ته زنګ ووهي",
        "ti": "ብተሌፎን: IOM ክድውለልኩም እዩ",
        "so": "taleefan ahaan: IOM ayaa ku soo wici doonta",
        "ru": "по телефону: МОМ вам позвонит",
        "sq": "me telefon: IOM do t'ju telefonojë",
        "mn": "утсаар: ОУШБ тан руу залгана",
        "ka": "ტელეფონით: IOM დაგირეკავთ",
        "tr": "telefonla: IOM sizi arayacak",
        "es": "por teléfono: la OIM le llamará",
        "pt": "por telefone: a OIM vai ligar-lhe",
    },
    "video": {
        "nl": "via een videogesprek: IOM stuurt u de link",
        "en": "by video call: IOM will send you the link",
        "fr": "par appel vidéo : l'OIM vous enverra le lien",
        "ar": "عبر مكالمة فيديو: سترسل لك المنظمة الرابط",
        "fa": "با تماس تصویری: IOM لینک را برای شما می‌فرستد",
        "ps": "د ویډیو کال له لارې: IOM به تاسو ته لینک درولېږي",
        "ti": "ብቪድዮ ጻውዒት: IOM እቲ ሊንክ ክሰደልኩም እዩ",
        "so": "wicitaan muuqaal ah: IOM ayaa kuu soo diri doonta linkiga",
        "ru": "по видеосвязи: МОМ пришлёт вам ссылку",
        "sq": "me video-thirrje: IOM do t'ju dërgojë lidhjen",
        "mn": "видео дуудлагаар: ОУШБ танд холбоос илгээнэ",
        "ka": "ვიდეოზარით: IOM გამოგიგზავნით ბმულს",
        "tr": "görüntülü görüşmeyle: IOM size bağlantıyı gönderecek",
        "es": "por videollamada: la OIM le enviará el enlace",
        "pt": "por videochamada: a OIM vai enviar-lhe o link",
    },
    "bring_documents": {
        "nl": " Neem uw paspoort en andere identiteits- en reisdocumenten mee.",
        "en": " Bring your passport and other identity and travel documents.",
        "fr": " Apportez votre passeport et vos autres documents d'identité et de voyage.",
        "ar": " أحضر جواز سفرك ووثائق الهوية والسفر الأخرى.",
        "fa": " گذرنامه و دیگر مدارک هویتی و سفر خود را همراه بیاورید.",
        "ps": " خپل پاسپورټ او نور د پېژندنې او سفر اسناد له ځانه سره راوړئ.",
        "ti": " ፓስፖርትኩምን ካልእ ሰነዳት መንነትን ጉዕዞን ሒዝኩም ንዑ።",
        "so": " Keen baasaboorkaaga iyo dukumentiyada kale ee aqoonsiga iyo safarka.",
        "ru": " Возьмите паспорт и другие документы, удостоверяющие личность, и проездные документы.",
        "sq": " Sillni pasaportën dhe dokumentet e tjera të identitetit dhe të udhëtimit.",
        "mn": " Паспорт болон бусад иргэний үнэмлэх, аяллын бичиг баримтаа авчирна уу.",
        "ka": " თან იქონიეთ პასპორტი და სხვა პირადობისა და სამგზავრო დოკუმენტები.",
        "tr": " Pasaportunuzu ve diğer kimlik ve seyahat belgelerinizi getirin.",
        "es": " Traiga su pasaporte y otros documentos de identidad y de viaje.",
        "pt": " Traga o seu passaporte e outros documentos de identidade e de viagem.",
    },
}
