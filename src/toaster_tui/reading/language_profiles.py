"""Stop-word profiles for language_detect: each language's most frequent words.

About a hundred short function words per language (articles, pronouns,
prepositions, conjunctions, auxiliaries), lower case, as running text uses them.
A word several languages share counts for each of them a little (see
language_detect), so the lists need not avoid overlaps. Elisions are split at
the apostrophe by the tokenizer, hence French "qu" and "l".
"""

from __future__ import annotations

__all__ = ["ARABIC", "CYRILLIC", "DEVANAGARI", "LATIN"]

LATIN: dict[str, str] = {
    "en": """the of and to a in is it that for was on are as with he they at be this have
        from or one had by but not what all were we when your can said there use an each
        which she do how their if will up other about out many then them these so some her
        would make like him into has more two could been who its now than first may over
        after also did our most just any where why because should those very while being
        through still though such only between before under here you i my me
        us off again does every both few much own same too whom upon without within""",
    "de": """der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als
        auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem
        über einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei
        hier ich wir ihr ihre ihm ihn uns dann kann können schon wenn weil doch nun dieser
        diese dieses diesem diesen gibt immer sehr ob ohne unter wieder zwischen jetzt also
        alle viele keine kein mich mir dich dir wo was wer denn seine seiner seinen sondern
        etwas gegen gewesen hatte hatten wäre würde muss soll will""",
    "fr": """le la les de des du un une et est en que qui dans pour pas par sur au aux il
        elle ils elles on nous vous je ce cette ces son sa ses leur leurs plus avec ne se
        tout tous mais ou où comme fait être avoir sont ont été était avait y qu l d c j n
        s aussi bien très même peu encore sans sous entre donc alors après avant chez dont
        lui moi toi notre nos votre vos mon ma mes quand si parce cela ça peut faire fois
        autre autres tant toujours jamais rien deux déjà ici là celui celle""",
    "es": """el la los las de del y en que a un una es por con para no se lo su sus al como
        más pero o sin sobre este esta estos estas ese esa también ha han hay fue era son
        está están ser muy ya entre cuando todo todos toda todas porque desde hasta donde
        nos les le me mi mis tu te yo él ella ellos ellas nosotros usted hace hacer puede
        otro otra otros tiene tienen había sido uno dos años cada vez así bien sólo solo
        aunque durante antes después mismo mucho menos según""",
    "it": """il lo la i gli le di del della dei delle dello degli da dal dalla in nel nella
        nei con su sul sulla per tra fra un una uno e è che non si ci ne a al alla ai agli
        come ma o anche più sono era erano ha hanno essere stato stata questo questa quello
        quella questi anche ancora già molto poi quando perché se cosa tutto tutti tutte
        loro lui lei io noi voi mi ti gli suo sua suoi sue nostro dove così solo fare fatto
        può l d un dopo prima sempre mai ogni altro altri altra""",
    "pt": """o a os as de do da dos das e em no na nos nas um uma é que não se por para com
        ao aos à às mais como mas ou foi são ser está estão era tem têm ter já muito também
        quando seu sua seus suas ele ela eles elas eu nós você isso isto esse essa este esta
        pelo pela pelos pelas entre sobre sem até depois antes onde porque há ainda só mesmo
        cada vez outro outra todos todas tudo bem pode fazer feito me lhe dois anos assim
        num numa nem""",
    "nl": """de het een en van in is dat op te zijn voor met die niet aan er om ook als bij
        of door maar dan naar uit wat nog over werd worden wordt zo al was heeft hebben kan
        geen deze dit ze zij hij ik we wij je jij u hun haar hem ons onze mijn zijn meer
        veel wel nu toen omdat hoe waar wie wanneer moet moeten zou zouden kunnen tot
        tussen onder na zonder tegen alle andere iets niets toch echter sinds""",
    "sv": """och i att det som en på är av för med till den har de inte om ett han men var
        jag sig från vi så kan man när år säger hon under också efter eller nu sin där vid
        mot ska skulle kommer ut får finns blev bara hade vara vad alla andra mycket än
        här då sedan ju denna detta dessa deras hans hennes dem oss mig dig vår våra er
        hur varför inga ingen något några mer mest bli blir kunde även utan över""",
    "da": """og i at det er en til på af for med den de ikke som har han jeg var et men sig
        om fra vi så kan der skal når hun efter eller nu sin ved mod vil blev kun havde
        være hvad alle andre meget end her da siden denne dette disse deres hans hendes dem
        os mig dig vores hvordan hvorfor ingen noget nogle mere mest blive bliver kunne også
        uden over under hvor hvis nogen selv mange jo ud op blevet lidt fordi mens nok hos
        jer sådan stadig""",
    "no": """og i er det som en på av for med til den har de ikke om et han men jeg var seg
        fra vi så kan når hun etter eller nå sin ved mot skal vil ble bare hadde være hva
        alle andre mye enn her da siden denne dette disse deres hans hennes dem oss meg deg
        vår våre hvordan hvorfor ingen noe noen mer mest bli blir kunne også uten over
        under hvor hvis selv mange jo ut opp å blitt veldig litt fordi mens nok hos dere
        slik fortsatt""",
    "fi": """ja on ei se että hän oli ovat olla kun mutta tai niin kuin jo myös vain sitten
        nyt jos mitä mikä joka jotka tämä tämän näin sen sitä siitä siinä ne niiden he me
        te minä sinä hänen meidän teidän heidän olen olet olemme ole oli olisi voi voidaan
        pitää kanssa mukaan ennen jälkeen aina vielä paljon hyvin koska vaikka kaikki
        joitakin jotain ollut olleet tulee tuli""",
    "pl": """i w na z do że się nie jest to o jak ale po co tak za od jego jej ich przez
        przy dla tym tego też już lub oraz tylko może być był była było były są jestem
        jesteśmy ma mają mnie mi go je nas was ten ta te tej tych który która które którzy
        gdy kiedy gdzie bardzo jeszcze więc bo czy aby żeby nad pod przed między bez także
        jednak tu tam teraz wszystko wszyscy coś nic siebie sobie""",
    "cs": """a v se na je že to s z do o jako ale za i by k po jsou jsem jsme byl byla bylo
        byly být má mají jeho její jejich tak také už jen nebo ve ze od pro při podle který
        která které kteří když kde jak co proto protože tento tato toto ten ta tu mi mě mu
        ho jim nás vás si sem tam teď velmi ještě však aby nad pod před mezi bez všechno
        něco nic sebe sobě bude budou""",
    "sk": """a v sa na je že to s z do o ako ale za i by k po sú som sme bol bola bolo boli
        byť má majú jeho jej ich tak tiež už len alebo vo zo od pre pri podľa ktorý ktorá
        ktoré ktorí keď kde čo preto pretože tento táto toto ten tá tú mi ma mu ho im nás
        vás si tam teraz veľmi ešte však aby nad pod pred medzi bez všetko niečo nič seba
        sebe bude budú""",
    "tr": """ve bir bu da de için ile çok daha gibi ne o olarak en ama kadar var sonra
        her şey ben sen biz siz onlar onun bunu şu olan olduğu oldu değil ya veya ki mi mı
        mu mü nasıl neden zaman önce şimdi yeni ise ancak çünkü hem bile sadece tüm bütün
        göre karşı diye bizim sizin benim onu ona bana sana yok olur olmak""",
    "id": """yang dan di ini itu dengan untuk dari dalam tidak ke akan pada juga ada saya
        kami kita mereka dia ia anda atau oleh sudah karena bisa lebih seperti adalah
        tersebut telah hanya tetapi tapi jika kalau saat ketika bahwa harus masih belum
        semua banyak sangat setelah sebelum antara tentang bagi agar supaya namun lagi
        apa siapa bagaimana mengapa sebagai secara hari""",
    "ro": """și în de la a cu pe un o din că nu se este sunt să ca mai pentru care fost au
        a fi el ea ei ele eu noi voi lui ei lor acest această aceste acum dar sau când
        unde cum ce foarte doar după înainte fără între prin despre tot toate toți ar
        poate are avea era către asupra""",
    "hu": """a az és hogy nem is egy van meg de ez azt már csak mint volt még el ki be fel
        le kell lehet vagy ha mert sem pedig majd mindig nagyon aki ami amely akkor most
        itt ott én te ő mi ti ők neki nekem őket minden után előtt alatt között nélkül
        lesz lett lenne vannak voltak egész sok kicsit""",
    "ca": """el la els les de del dels i a en que un una és per amb no es ho al als com més
        però o sense sobre aquest aquesta aquests també ha han hi va van era són està ser
        molt ja entre quan tot tots tota totes perquè des fins on ens els li em jo ell ella
        ells elles fer pot altre altra tenen havia cada vegada així només""",
}

CYRILLIC: dict[str, str] = {
    "ru": """и в не на что я с он как а то это по но из у за от к его она так же все
        мы был было была были для вы ты они уже или бы если когда только о еще ещё чтобы
        этот эта эти при может себя даже нет во со до их ее её мне меня него после где
        там тут очень без через потом сейчас можно надо который которая которые""",
    "uk": """і й в у не на що я з він як а то це по але із від до його вона так же все
        ми був було була були для ви ти вони вже чи би якщо коли тільки о ще щоб цей ця
        ці при може себе навіть немає зі її мені мене нього після де там тут дуже без
        через потім зараз можна треба який яка які""",
    "bg": """и в не на че аз с той как а то това по но от за към го тя така все ние беше
        бяха за вие ти те вече или би ако когато само още за този тази тези при може себе
        дори няма със до им ѝ ми мен него след където там тук много без през после сега
        може трябва който която които е са съм""",
}

ARABIC: dict[str, str] = {
    "ar": """في من على إلى أن عن مع هذا هذه التي الذي كان ما لا هو هي ثم أو كل بعد قبل
        بين حتى لم قد ذلك عند إن كما لكن أي هناك أيضا""",
    "fa": """و در به از که این را با است آن برای یک می تا بر هم شد شده نیز کرد ها خود
        ما او بود باید اما یا هر دیگر پس چه همه""",
}

DEVANAGARI: dict[str, str] = {
    "hi": """के है में की और से को का एक पर यह भी कि हैं था नहीं लिए ने तो कर हो गया
        इस वह जो कुछ अपने साथ बहुत थे रहा होता""",
}
