"""Nội dung tài liệu mẫu số 1 (mục 1 chương trình phiên họp mẫu).

Toàn bộ văn bản do dự án eCabinet tự soạn; mọi số liệu là số liệu minh hoạ.
"""

from datetime import datetime, timezone

SPEC = dict(
    file="01-bao-cao-kinh-te-xa-hoi.pdf",
    title="Báo cáo tình hình kinh tế - xã hội tháng 11 và nhiệm vụ trọng tâm tháng 12",
    agenda_position=1,
    subject="Tài liệu mẫu phiên họp eCabinet - mục 1 (số liệu minh hoạ)",
    keywords="báo cáo, kinh tế - xã hội, tháng 11, ngân sách, xuất khẩu, dữ liệu, "
    "chữ ký số, dịch vụ công trực tuyến, số liệu minh hoạ, tài liệu mẫu",
    created=datetime(2026, 11, 27, 8, 0, 0, tzinfo=timezone.utc),
    mark="TÀI LIỆU MẪU — số liệu minh hoạ",
    info={"footer_left": "Báo cáo KT-XH tháng 11 (tài liệu mẫu)"},
)

TABLES = {
    "vi_mo": dict(
        caption="Bảng 1. Một số chỉ tiêu kinh tế vĩ mô chủ yếu (số liệu minh hoạ)",
        widths=[70, 22, 26, 26, 26],
        align=["L", "C", "R", "R", "R"],
        rows=[
            ["Chỉ tiêu", "Đơn vị", "Tháng 11", "11 tháng", "So cùng kỳ (%)"],
            ["Chỉ số giá tiêu dùng (CPI) bình quân", "%", "+0,21", "3,38", "—"],
            ["Lạm phát cơ bản bình quân", "%", "+0,18", "2,94", "—"],
            ["Chỉ số sản xuất công nghiệp (IIP)", "%", "—", "—", "108,6"],
            ["Tổng mức bán lẻ hàng hoá và doanh thu dịch vụ", "nghìn tỷ đồng", "598,4", "6.342,7", "109,1"],
            ["Kim ngạch xuất khẩu", "tỷ USD", "39,8", "428,5", "112,4"],
            ["Kim ngạch nhập khẩu", "tỷ USD", "37,6", "407,9", "113,0"],
            ["Vốn FDI thực hiện", "tỷ USD", "2,4", "22,1", "108,3"],
            ["Thu ngân sách nhà nước", "nghìn tỷ đồng", "162,3", "1.921,6", "111,7"],
            ["Giải ngân vốn đầu tư công (so kế hoạch)", "%", "—", "68,4", "—"],
            ["Khách quốc tế đến Việt Nam", "triệu lượt", "2,05", "19,7", "114,2"],
        ],
        note="Ghi chú: số liệu minh hoạ do dự án eCabinet tự đặt ra để trình diễn; "
        "không phải số liệu thống kê chính thức.",
    ),
    "xuat_khau": dict(
        caption="Bảng 2. Kim ngạch xuất khẩu một số nhóm hàng chủ lực 11 tháng (số liệu minh hoạ)",
        unit="Đơn vị: tỷ USD",
        widths=[78, 30, 30, 32],
        align=["L", "R", "R", "R"],
        rows=[
            ["Nhóm hàng", "11 tháng", "Cùng kỳ", "Tăng/giảm (%)"],
            ["Điện thoại, máy vi tính và linh kiện", "118,2", "104,9", "+12,7"],
            ["Máy móc, thiết bị, dụng cụ phụ tùng", "52,6", "46,3", "+13,6"],
            ["Dệt may", "40,1", "37,2", "+7,8"],
            ["Giày dép, túi xách", "25,7", "23,9", "+7,5"],
            ["Gỗ và sản phẩm gỗ", "16,3", "14,8", "+10,1"],
            ["Nông, lâm, thuỷ sản", "57,9", "52,4", "+10,5"],
            ["Phương tiện vận tải và phụ tùng", "14,0", "13,1", "+6,9"],
            ["Các nhóm hàng khác", "103,7", "88,6", "+17,0"],
            ["Tổng cộng", "428,5", "381,2", "+12,4"],
        ],
        bold_rows=[9],
        note="Ghi chú: số liệu minh hoạ, chỉ dùng cho mục đích trình diễn hệ thống.",
    ),
    "chuyen_doi_so": dict(
        caption="Bảng 3. Một số chỉ số về chính phủ số, tính đến 25/11 (số liệu minh hoạ)",
        widths=[100, 35, 35],
        align=["L", "R", "R"],
        rows=[
            ["Chỉ số", "Kết quả", "Mục tiêu năm"],
            ["Tỷ lệ hồ sơ công việc cấp bộ xử lý trên môi trường mạng", "93,5%", "95%"],
            ["Tỷ lệ văn bản đi được ký số", "97,8%", "98%"],
            ["Tỷ lệ dịch vụ công trực tuyến toàn trình", "58,2%", "60%"],
            ["Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ", "51,6%", "55%"],
            ["Số phiên họp, hội nghị không giấy tờ cấp bộ", "1.146", "1.200"],
            ["Số cơ sở dữ liệu đã kết nối qua nền tảng chia sẻ dữ liệu", "112", "120"],
        ],
        note="Ghi chú: số liệu minh hoạ.",
    ),
    "phu_luc": dict(
        caption="Tình hình thực hiện một số chỉ tiêu chủ yếu năm 2026 (số liệu minh hoạ)",
        widths=[62, 28, 28, 52],
        align=["L", "C", "C", "L"],
        rows=[
            ["Chỉ tiêu", "Kế hoạch năm", "Ước thực hiện", "Đánh giá sơ bộ"],
            ["Tốc độ tăng tổng sản phẩm trong nước (GDP)", "8,0%", "8,1%", "Dự kiến đạt"],
            ["GDP bình quân đầu người", "5.000 USD", "5.020 USD", "Dự kiến đạt"],
            ["Tốc độ tăng chỉ số giá tiêu dùng (CPI) bình quân", "≤ 4,5%", "3,4%", "Đạt"],
            ["Tỷ trọng kinh tế số trong GDP", "20%", "19,6%", "Phấn đấu đạt"],
            ["Tốc độ tăng năng suất lao động xã hội", "6,0%", "6,2%", "Dự kiến vượt"],
            ["Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ", "30%", "30,1%", "Dự kiến đạt"],
            ["Tỷ lệ thất nghiệp trong độ tuổi lao động khu vực thành thị", "< 4%", "2,9%", "Đạt"],
            ["Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều", "giảm 0,8 điểm %", "giảm 0,9 điểm %", "Dự kiến vượt"],
            ["Tỷ lệ dân số tham gia bảo hiểm y tế", "95%", "94,6%", "Phấn đấu đạt"],
            ["Tỷ lệ dịch vụ công trực tuyến toàn trình", "60%", "60,5%", "Dự kiến đạt"],
            ["Tỷ lệ văn bản điện tử được ký bằng chữ ký số", "98%", "98,2%", "Dự kiến đạt"],
            ["Tỷ lệ chất thải rắn sinh hoạt đô thị được thu gom, xử lý", "95%", "95,3%", "Dự kiến đạt"],
        ],
        note="Ghi chú: toàn bộ số liệu trong phụ lục là số liệu minh hoạ do dự án eCabinet "
        "tự đặt ra, không phải chỉ tiêu hay kết quả chính thức.",
    ),
}

APPENDIX = r"""
Các chỉ tiêu nêu dưới đây được tổng hợp để phục vụ việc theo dõi, đánh giá khả năng hoàn thành kế hoạch năm 2026. Đối với các chỉ tiêu được đánh giá ở mức "phấn đấu đạt", các bộ, ngành, địa phương liên quan cần tập trung chỉ đạo, có giải pháp cụ thể trong tháng 12 và báo cáo kết quả thực hiện trước ngày 15 tháng 01 năm 2027.
@table phu_luc
Bộ Tài chính sẽ tiếp tục cập nhật số liệu ước thực hiện trên cơ sở báo cáo của các bộ, ngành, địa phương và dữ liệu từ các hệ thống thông tin chuyên ngành, phục vụ việc xây dựng báo cáo đánh giá tình hình thực hiện kế hoạch phát triển kinh tế - xã hội năm 2026.
"""

BODY = r"""
# I. TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 11 VÀ 11 THÁNG NĂM 2026
Trong tháng 11, tình hình thế giới tiếp tục diễn biến phức tạp; tăng trưởng của một số nền kinh tế lớn chậm lại, giá một số nguyên liệu đầu vào biến động, chính sách tiền tệ của nhiều quốc gia được điều chỉnh theo hướng thận trọng. Ở trong nước, các bộ, ngành và địa phương đã quyết liệt triển khai các nhiệm vụ, giải pháp theo Nghị quyết của Chính phủ và chỉ đạo của Thủ tướng Chính phủ; kinh tế - xã hội tiếp tục xu hướng phục hồi tích cực, tháng sau cao hơn tháng trước, nhiều chỉ tiêu đạt và vượt kế hoạch.
## 1. Ổn định kinh tế vĩ mô, kiểm soát lạm phát
Kinh tế vĩ mô cơ bản ổn định, lạm phát được kiểm soát, các cân đối lớn của nền kinh tế được bảo đảm. Chỉ số giá tiêu dùng (CPI) tháng 11 tăng 0,21% so với tháng trước; bình quân 11 tháng tăng 3,38% so với cùng kỳ, thấp hơn mục tiêu đề ra. Lạm phát cơ bản bình quân 11 tháng tăng 2,94%. Nguyên nhân chủ yếu làm CPI tăng là giá nhóm nhà ở và vật liệu xây dựng, giá dịch vụ y tế được điều chỉnh theo lộ trình, trong khi giá nhiên liệu giảm nhẹ theo giá thế giới.
Thị trường tiền tệ, tỷ giá cơ bản ổn định; mặt bằng lãi suất cho vay tiếp tục giảm nhẹ. Tín dụng đối với nền kinh tế tăng khá, tập trung vào các lĩnh vực sản xuất, kinh doanh, các lĩnh vực ưu tiên. Thị trường vốn, thị trường trái phiếu doanh nghiệp từng bước được lành mạnh hoá, hoạt động phát hành được thực hiện công khai, minh bạch hơn.
@table vi_mo
## 2. Thu, chi ngân sách nhà nước
Thu ngân sách nhà nước tháng 11 ước đạt 162,3 nghìn tỷ đồng; lũy kế 11 tháng ước đạt 1.921,6 nghìn tỷ đồng, bằng 97,1% dự toán, tăng 11,7% so với cùng kỳ. Trong đó, thu nội địa đạt 96,4% dự toán; thu từ dầu thô và thu cân đối từ hoạt động xuất nhập khẩu đều vượt dự toán. Việc triển khai hoá đơn điện tử khởi tạo từ máy tính tiền, kết nối dữ liệu với cơ quan thuế đã góp phần chống thất thu và nâng cao tính minh bạch.
Chi ngân sách nhà nước 11 tháng ước đạt 1.702,5 nghìn tỷ đồng, bằng 80,2% dự toán, bảo đảm các nhiệm vụ chi trả nợ, chi thường xuyên, chi an sinh xã hội, quốc phòng, an ninh. Bội chi ngân sách, nợ công, nợ Chính phủ, nợ nước ngoài của quốc gia nằm trong giới hạn được Quốc hội cho phép.
## 3. Sản xuất công nghiệp, nông nghiệp
Chỉ số sản xuất toàn ngành công nghiệp (IIP) 11 tháng tăng 8,6% so với cùng kỳ, trong đó ngành chế biến, chế tạo tăng 9,8%, tiếp tục là động lực tăng trưởng chính. Chỉ số nhà quản trị mua hàng (PMI) tháng 11 đạt 51,3 điểm, là tháng thứ tư liên tiếp ở trên ngưỡng 50 điểm, cho thấy đơn hàng mới tăng và doanh nghiệp tiếp tục mở rộng sản xuất.
Sản xuất nông nghiệp ổn định, bảo đảm an ninh lương thực và phục vụ xuất khẩu. Các địa phương đã cơ bản hoàn thành thu hoạch lúa mùa, triển khai gieo trồng vụ đông đúng khung thời vụ. Chăn nuôi phát triển ổn định; công tác phòng, chống dịch bệnh trên đàn gia súc, gia cầm được tăng cường. Việc truy xuất nguồn gốc nông sản bằng mã số vùng trồng và dữ liệu điện tử được mở rộng, đáp ứng yêu cầu của các thị trường nhập khẩu.
## 4. Thương mại, dịch vụ và xuất nhập khẩu
Tổng mức bán lẻ hàng hoá và doanh thu dịch vụ tiêu dùng 11 tháng ước đạt 6.342,7 nghìn tỷ đồng, tăng 9,1% so với cùng kỳ. Thương mại điện tử tiếp tục tăng trưởng nhanh; tỷ lệ thanh toán không dùng tiền mặt trong giao dịch bán lẻ tăng rõ rệt. Du lịch phục hồi mạnh, lượng khách quốc tế 11 tháng ước đạt 19,7 triệu lượt, tăng 14,2%.
Kim ngạch xuất khẩu 11 tháng ước đạt 428,5 tỷ USD, tăng 12,4%; nhập khẩu ước đạt 407,9 tỷ USD, tăng 13,0%; cán cân thương mại xuất siêu khoảng 20,6 tỷ USD. Khu vực kinh tế trong nước chiếm tỷ trọng ngày càng tăng trong tổng kim ngạch xuất khẩu. Cơ chế một cửa quốc gia, thủ tục hải quan điện tử tiếp tục được hoàn thiện, rút ngắn thời gian thông quan hàng hoá.
@table xuat_khau
## 5. Đầu tư công và thu hút đầu tư
Giải ngân vốn đầu tư công đến ngày 25/11 ước đạt 68,4% kế hoạch Thủ tướng Chính phủ giao, cao hơn cùng kỳ cả về tỷ lệ và giá trị tuyệt đối. Một số bộ, cơ quan trung ương và địa phương có tỷ lệ giải ngân cao; tuy nhiên vẫn còn một số đơn vị giải ngân dưới mức bình quân chung do vướng mắc trong bồi thường, giải phóng mặt bằng và thủ tục điều chỉnh dự án.
Vốn đầu tư trực tiếp nước ngoài (FDI) thực hiện 11 tháng ước đạt 22,1 tỷ USD, tăng 8,3%. Các dự án mới tập trung vào công nghiệp bán dẫn, điện tử, năng lượng tái tạo, trung tâm dữ liệu và dịch vụ logistics. Số doanh nghiệp thành lập mới và quay trở lại hoạt động tiếp tục vượt số doanh nghiệp rút lui khỏi thị trường.
## 6. Cải cách hành chính, chuyển đổi số
Công tác cải cách thủ tục hành chính được đẩy mạnh gắn với chuyển đổi số. Trong tháng, các bộ, ngành đã cắt giảm, đơn giản hoá thêm nhiều thủ tục hành chính và điều kiện kinh doanh; tái cấu trúc quy trình để cung cấp dịch vụ công trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia.
Việc xây dựng và khai thác các cơ sở dữ liệu quốc gia tiếp tục được đẩy mạnh; dữ liệu dân cư, dữ liệu đất đai, dữ liệu doanh nghiệp được kết nối, chia sẻ phục vụ giải quyết thủ tục hành chính, giảm giấy tờ phải nộp của người dân và doanh nghiệp. Tỷ lệ văn bản điện tử được ký bằng chữ ký số ở các bộ, cơ quan ngang bộ đạt trên 97%; hệ thống họp không giấy tờ eCabinet được sử dụng tại các phiên họp Chính phủ thường kỳ và chuyên đề. Công tác bảo đảm an toàn thông tin cho các hệ thống thông tin quan trọng được tăng cường, chưa ghi nhận sự cố nghiêm trọng.
@table chuyen_doi_so
## 7. Văn hoá, xã hội, lao động, việc làm và an sinh xã hội
Các chính sách an sinh xã hội được triển khai đầy đủ, kịp thời. Thị trường lao động phục hồi tốt; tỷ lệ thất nghiệp trong độ tuổi lao động ước ở mức 2,2%, thu nhập bình quân của người lao động tăng so với cùng kỳ. Việc chi trả trợ cấp, hỗ trợ qua tài khoản ngân hàng được mở rộng, bảo đảm đúng đối tượng, minh bạch.
Công tác chăm sóc sức khoẻ nhân dân được quan tâm; cung ứng thuốc, vật tư y tế cơ bản được bảo đảm. Ngành giáo dục triển khai kế hoạch năm học mới ổn định; việc ứng dụng học bạ số, sổ sức khoẻ điện tử được mở rộng. Các hoạt động văn hoá, thể thao, thông tin, tuyên truyền được tổ chức sôi nổi, hướng tới kỷ niệm các ngày lễ lớn.
## 8. Quốc phòng, an ninh, đối ngoại
Quốc phòng, an ninh được tăng cường; chủ quyền quốc gia được giữ vững; trật tự, an toàn xã hội được bảo đảm. Công tác phòng, chống tội phạm, nhất là tội phạm sử dụng công nghệ cao, lừa đảo chiếm đoạt tài sản qua không gian mạng được đẩy mạnh. Hoạt động đối ngoại, hội nhập quốc tế được triển khai chủ động, tích cực, góp phần thu hút nguồn lực phục vụ phát triển.
# II. ĐÁNH GIÁ CHUNG
## 1. Kết quả đạt được
Nhìn chung, tình hình kinh tế - xã hội tháng 11 và 11 tháng tiếp tục chuyển biến tích cực, đạt nhiều kết quả quan trọng. Kinh tế vĩ mô ổn định, lạm phát được kiểm soát, các động lực tăng trưởng truyền thống được làm mới, các động lực tăng trưởng mới như kinh tế số, kinh tế xanh tiếp tục được thúc đẩy. Cải cách hành chính, chuyển đổi số có chuyển biến rõ nét; an sinh xã hội được bảo đảm; quốc phòng, an ninh được giữ vững.
## 2. Tồn tại, hạn chế
Bên cạnh kết quả đạt được, vẫn còn một số tồn tại, hạn chế cần tập trung khắc phục:
- Sản xuất, kinh doanh ở một số ngành, lĩnh vực còn khó khăn; sức mua của thị trường trong nước phục hồi chưa đồng đều giữa các vùng.
- Giải ngân vốn đầu tư công ở một số bộ, cơ quan và địa phương còn chậm; công tác giải phóng mặt bằng ở một số dự án trọng điểm còn vướng mắc.
- Việc kết nối, chia sẻ dữ liệu giữa một số hệ thống thông tin chưa thông suốt; chất lượng một số dịch vụ công trực tuyến chưa cao, tỷ lệ hồ sơ thực hiện trực tuyến ở một số thủ tục còn thấp.
- Nguy cơ mất an toàn thông tin, lừa đảo trên không gian mạng còn diễn biến phức tạp.
## 3. Nguyên nhân
Nguyên nhân khách quan chủ yếu là tác động của tình hình kinh tế thế giới, biến động của giá cả hàng hoá và chuỗi cung ứng. Nguyên nhân chủ quan là công tác phối hợp giữa một số bộ, ngành và địa phương có lúc chưa chặt chẽ; năng lực thực thi ở một số nơi còn hạn chế; việc phân cấp, phân quyền chưa được thực hiện đồng bộ.
# III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM THÁNG 12 NĂM 2026
Tháng 12 là tháng cuối năm, có ý nghĩa quyết định đối với việc hoàn thành các mục tiêu, chỉ tiêu kế hoạch năm 2026. Các bộ, ngành, địa phương tập trung thực hiện tốt các nhiệm vụ, giải pháp sau:
1. Tiếp tục ưu tiên thúc đẩy tăng trưởng gắn với giữ vững ổn định kinh tế vĩ mô, kiểm soát lạm phát, bảo đảm các cân đối lớn; điều hành chính sách tiền tệ chủ động, linh hoạt, phối hợp chặt chẽ với chính sách tài khoá và các chính sách khác.
2. Tăng cường quản lý thu, chống thất thu ngân sách; mở rộng cơ sở thu, đẩy mạnh sử dụng hoá đơn điện tử; triệt để tiết kiệm chi thường xuyên; chuẩn bị tốt các điều kiện triển khai dự toán ngân sách năm 2027.
3. Quyết liệt đẩy mạnh giải ngân vốn đầu tư công; tháo gỡ kịp thời khó khăn, vướng mắc về đất đai, giải phóng mặt bằng, nguyên vật liệu xây dựng; kiên quyết điều chuyển vốn từ các dự án chậm giải ngân sang các dự án có khả năng giải ngân tốt.
4. Bảo đảm cân đối cung cầu, bình ổn giá cả các mặt hàng thiết yếu dịp cuối năm và Tết Nguyên đán; tăng cường kiểm tra, kiểm soát thị trường, chống buôn lậu, gian lận thương mại và hàng giả.
5. Đẩy mạnh cải cách thủ tục hành chính và chuyển đổi số: hoàn thành mục tiêu dịch vụ công trực tuyến toàn trình năm 2026; bảo đảm văn bản điện tử được ký bằng chữ ký số theo quy định; tăng cường kết nối, chia sẻ dữ liệu giữa các cơ sở dữ liệu quốc gia; tổ chức các phiên họp, hội nghị theo hình thức không giấy tờ.
6. Chú trọng bảo đảm an toàn thông tin, an ninh mạng cho các hệ thống thông tin quan trọng, nhất là trong dịp cuối năm; chủ động phòng ngừa, ứng phó sự cố; tăng cường tuyên truyền, cảnh báo người dân về các hình thức lừa đảo trực tuyến.
7. Thực hiện tốt các chính sách an sinh xã hội, chăm lo đời sống người có công, hộ nghèo, người lao động; chuẩn bị chu đáo để nhân dân đón Tết vui tươi, lành mạnh, an toàn, tiết kiệm.
8. Giữ vững quốc phòng, an ninh, trật tự an toàn xã hội; đẩy mạnh công tác thông tin, truyền thông, tạo đồng thuận xã hội; chuẩn bị tốt các nội dung trình Hội nghị Chính phủ với địa phương và xây dựng kế hoạch năm 2027.
# IV. KIẾN NGHỊ
Đề nghị Chính phủ xem xét, cho ý kiến đối với báo cáo tình hình kinh tế - xã hội tháng 11 và 11 tháng năm 2026; thống nhất các nhiệm vụ, giải pháp trọng tâm tháng 12 năm 2026 nêu tại Mục III của báo cáo này để các bộ, ngành, địa phương khẩn trương triển khai thực hiện.
Bộ Tài chính kính trình Chính phủ xem xét, quyết định./.
"""


def build(pdf, _render_toc):
    pdf.add_page()
    pdf.official_header(
        ["BỘ TÀI CHÍNH"],
        "Số:      /BC-BTC",
        "Hà Nội, ngày 27 tháng 11 năm 2026",
    )
    pdf.title_block(
        "BÁO CÁO",
        [
            "Tình hình kinh tế - xã hội tháng 11",
            "và nhiệm vụ trọng tâm tháng 12 năm 2026",
        ],
    )
    pdf.centered("(Tài liệu phục vụ phiên họp Chính phủ thường kỳ tháng 11 năm 2026)",
                 "I", 11.5, after=3)
    pdf.note(
        "Lưu ý: Đây là tài liệu mẫu dùng để trình diễn hệ thống họp không giấy tờ "
        "eCabinet. Nội dung do dự án tự soạn; toàn bộ số liệu là số liệu minh hoạ, "
        "không phản ánh số liệu thống kê chính thức của bất kỳ cơ quan nào."
    )
    pdf.centered("Kính gửi: Chính phủ", "", 12.5, after=3)
    pdf.para(
        "Thực hiện chương trình công tác năm 2026, Bộ Tài chính báo cáo Chính phủ "
        "tình hình kinh tế - xã hội tháng 11, 11 tháng năm 2026 và nhiệm vụ, giải "
        "pháp trọng tâm tháng 12 năm 2026 như sau:"
    )
    pdf.render(BODY, TABLES)
    pdf.signature(
        ["Như trên;", "Thủ tướng, các Phó Thủ tướng Chính phủ;",
         "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;",
         "Văn phòng Chính phủ;", "Lưu: VT, TH."],
        ["BỘ TRƯỞNG"],
    )
    pdf.add_page()
    pdf.centered("PHỤ LỤC", "B", 13)
    pdf.centered("Tình hình thực hiện một số chỉ tiêu chủ yếu năm 2026", "B", 12.5)
    pdf.centered("(Kèm theo Báo cáo số      /BC-BTC ngày 27 tháng 11 năm 2026 của Bộ Tài chính)",
                 "I", 11, after=4)
    pdf.start_section("Phụ lục. Tình hình thực hiện một số chỉ tiêu chủ yếu năm 2026")
    pdf.render(APPENDIX, TABLES)
